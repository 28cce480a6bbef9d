#!/usr/bin/env node
// Build step after tsc: bundles the CLI (dist/admin/cli/main.js and everything it imports) into
// one CommonJS file, dist/cli/salvo.cjs. Why one file: a one-shot `salvo exec` spent ~150 ms of
// its start-up resolving, reading and compiling ~200 separate modules; why CommonJS: bin/salvo
// runs it through vm.Script with V8's code cache (admin/cli/startup/code-cache.ts), which Node 20 offers
// for scripts only. Lazily imported commands stay lazy: esbuild turns `import()` of a bundled
// module into a deferred initialiser, so a module's top level runs when first imported.
// bin/salvo runs the bundle when it exists, else dist/admin/cli/main.js (tests import dist/ too).
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

// Copied addon names carry content hashes: old ones would pile up.
rmSync(new URL('../dist/cli', import.meta.url), { recursive: true, force: true });

const addon = existsSync(
  new URL('../node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node', import.meta.url),
);

const common = {
  absWorkingDir: root,
  outdir: 'dist/cli',
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Whitespace and syntax only: less to parse at start-up; names stay readable in stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// What bin/salvo loads first: the code-cache loader (node: built-ins only).
await build({ ...common, entryPoints: { launch: 'dist/admin/cli/startup/launch.js' } });

await build({
  ...common,
  entryPoints: { salvo: 'dist/admin/cli/main.js' },
  // ssh2 is bundled too (its ~30 CommonJS files took ~30 ms to resolve and load one by one). Its
  // optional native crypto addon is copied beside the bundle, where the rewritten require finds
  // it; without the addon (install scripts not run) ssh2 falls back to JavaScript, as unbundled.
  // esbuild (salvo run loads release scripts with it) ships a native binary: left a package import.
  external: ['cpu-features', 'esbuild', ...(addon ? [] : ['*.node'])],
  loader: { '.node': 'copy' },
  // import.meta.url names the module's own file in ES modules; in the bundle it names the bundle
  // (code-cache.ts passes it in), which is what the modules that use it expect when bundled.
  // __SALVO_BUNDLE__ tells a module it is bundled (admin/lab/client-files.ts finds the lab's
  // stand-ins from the bundle's place, not its own).
  define: { 'import.meta.url': '__salvoImportMetaUrl', __SALVO_BUNDLE__: 'true' },
});
