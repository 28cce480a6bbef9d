#!/usr/bin/env node
// Build step after tsc: bundles the CLI (dist/admin/cli/main.js and everything it imports) into
// one CommonJS file, dist/cli/salvo.cjs. Why one file: a one-shot `salvo exec` spent ~150 ms of
// its start-up resolving, reading and compiling ~200 separate modules; why CommonJS: bin/salvo
// runs it through vm.Script with V8's code cache (admin/cli/startup/code-cache.ts), which Node 20 offers
// for scripts only. Lazily imported commands stay lazy: esbuild turns `import()` of a bundled
// module into a deferred initialiser, so a module's top level runs when first imported.
// bin/salvo runs the bundle when it exists, else dist/admin/cli/main.js (tests import dist/ too).
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

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

// commander requires node:child_process when it loads, for subcommands run as separate programs,
// which Salvo has none of; loading it (with net, dgram and their dependencies) cost every command
// that does not spawn (`salvo check`, help) ~1 % of its start-up. Required on first use instead.
const COMMANDER_REQUIRE = "const childProcess = require('node:child_process');";
const lazyCommanderChildProcess = {
  name: 'lazy-commander-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, ({ path }) => {
      const text = readFileSync(path, 'utf8');
      if (!text.includes(COMMANDER_REQUIRE)) {
        throw new Error(
          `${path}: no \`${COMMANDER_REQUIRE}\` (commander changed: update bin/bundle.mjs)`,
        );
      }
      const lazy =
        "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: text.replace(COMMANDER_REQUIRE, lazy), loader: 'js' };
    });
  },
};

/** main.ts's other command modules, left out: a stub that says so if it is ever imported. */
function onlyCommand(word) {
  // main.ts's own import of the command's module, in whichever group folder it is
  const kept = (path) => path.endsWith(`/${word}.js`);
  return {
    name: `only-${word}`,
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\/.*\.js$/ }, ({ path, importer }) =>
        importer.endsWith('/dist/admin/cli/main.js') && !kept(path)
          ? { path, namespace: 'left-out' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'left-out' }, ({ path }) => ({
        contents: `throw new Error(${JSON.stringify(`${path} is not in the ${word} bundle`)});`,
        loader: 'js',
      }));
    },
  };
}

// What bin/salvo loads first: the code-cache loader (node: built-ins only).
await build({ ...common, entryPoints: { launch: 'dist/admin/cli/startup/launch.js' } });

const cli = {
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
  plugins: [lazyCommanderChildProcess],
};
await build(cli);

// `salvo check` has a bundle of its own, dist/cli/check.cjs (bin/salvo runs it when the command
// word is `check`): the same main.js, which registers only `check` for that word, without the
// other commands. V8 instantiates every function declared at a bundle's top level and reads
// every one from the code cache, so the whole CLI's ~3 MB cost `check` ~6 % of its instructions.
await build({
  ...cli,
  entryPoints: { check: 'dist/admin/cli/main.js' },
  plugins: [lazyCommanderChildProcess, onlyCommand('check')],
});

// The bundle must be ASCII. bin/salvo reads it as UTF-8 into a string for vm.Script: one
// character outside ASCII makes V8 hold all ~3 MB as a two-byte string, and decoding it cost
// every run ~8 ms of start-up (profile of `salvo check`). esbuild escapes strings and plain
// templates itself (charset 'ascii') but leaves regular expression literals and tagged templates.
asciiOnly(new URL('../dist/cli/salvo.cjs', import.meta.url));
asciiOnly(new URL('../dist/cli/check.cjs', import.meta.url));
asciiOnly(new URL('../dist/cli/launch.cjs', import.meta.url));

/** Escape non-ASCII inside regular expression literals; anything else left is a build error. */
function asciiOnly(url) {
  const file = fileURLToPath(url);
  const text = readFileSync(file, 'utf8');
  if (!/[^\0-\x7f]/.test(text)) {
    return;
  }
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const regexes = [];
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      regexes.push([node.getStart(source), node.end]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const { index } of text.matchAll(/[^\0-\x7f]/g)) {
    if (!regexes.some(([start, end]) => start <= index && index < end)) {
      const { line } = source.getLineAndCharacterOfPosition(index);
      throw new Error(
        `${file}:${line + 1}: a character outside ASCII that is not in a regular expression ` +
          '(a tagged template such as String.raw?): write it in ASCII, or escape it',
      );
    }
  }
  let out = '';
  let at = 0;
  for (const [start, end] of regexes) {
    const literal = text.slice(start, end);
    const unicode = /[uv][a-z]*$/.test(literal);
    out += text.slice(at, start) + literal.replace(/[^\0-\x7f]/gu, (c) => escapeIn(c, unicode));
    at = end;
  }
  out += text.slice(at);
  writeFileSync(file, out);
}

/** `\uXXXX` (a surrogate pair past U+FFFF, or `\u{…}` in a u/v regular expression). */
function escapeIn(char, unicode) {
  const code = char.codePointAt(0);
  if (code > 0xffff && unicode) {
    return `\\u{${code.toString(16)}}`;
  }
  return [...Array(char.length).keys()]
    .map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`)
    .join('');
}
