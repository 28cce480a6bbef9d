#!/usr/bin/env node
// Build step after tsc: bundles the CLI (dist/admin/cli/main.js and everything it imports) into
// dist/cli/, one ES module plus a chunk per lazily imported command. Why: a one-shot `salvo exec`
// spent ~150 ms of its start-up resolving, reading and compiling ~200 separate modules.
// bin/salvo runs the bundle when it exists, else dist/admin/cli/main.js (tests import dist/ too).
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Chunk names carry content hashes: old ones would pile up.
rmSync(new URL('../dist/cli', import.meta.url), { recursive: true, force: true });

const addon = existsSync(new URL('../node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', import.meta.url));

await build({
  absWorkingDir: root,
  entryPoints: { main: 'dist/admin/cli/main.js' },
  outdir: 'dist/cli',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ssh2 is bundled too (its ~30 CommonJS files took ~30 ms to resolve and load one by one). Its
  // optional native crypto addon is copied beside the bundle, where the rewritten require finds
  // it; without the addon (install scripts not run) ssh2 falls back to JavaScript, as unbundled.
  external: ['cpu-features', ...(addon ? [] : ['*.node'])],
  loader: { '.node': 'copy' },
  // CommonJS dependencies bundled into an ES module still call require() for node built-ins, and
  // ssh2 names __dirname/__filename (only for Windows' Pageant and an inlined WebAssembly blob).
  banner: { js: [
    "import { createRequire as __salvoRequire } from 'node:module';",
    "import { fileURLToPath as __salvoPath } from 'node:url';",
    'const require = __salvoRequire(import.meta.url);',
    'const __filename = __salvoPath(import.meta.url);',
    "const __dirname = __salvoPath(new URL('.', import.meta.url));",
  ].join(' ') },
  // Whitespace and syntax only: less to parse at start-up; names stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
});
