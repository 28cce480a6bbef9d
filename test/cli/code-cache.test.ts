// The code cache bin/salvo loads the bundled CLI with: written after a good run, used by the next,
// never trusted when someone else could have written it, harmless when broken.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { asksOnlyVersion, codeCacheName } from '../../admin/cli/startup/command-word.js';
import { storeAfter } from '../../admin/cli/startup/code-cache.js';
import { after, describe, it } from 'node:test';

const root = mkdtempSync(join(tmpdir(), 'salvo-code-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A fresh small CommonJS bundle and an empty cache dir path (not yet created). */
function fixture(): { bundle: string; dir: string } {
  const base = join(root, `case${n++}`);
  mkdirSync(base);
  const bundle = join(base, 'bundle.cjs');
  writeFileSync(
    bundle,
    [
      "const path = require('node:path');",
      'function fib(k) { return k < 2 ? k : fib(k - 1) + fib(k - 2); }',
      'module.exports = { fib, url: __salvoImportMetaUrl, dir: __dirname, file: __filename, join: path.join };',
    ].join('\n'),
  );
  return { bundle, dir: join(base, 'cache') };
}

interface Load {
  cacheUsed: boolean;
  cacheFile: string | null;
  fib: number;
  url: string;
  file: string;
  dir: string;
}

const codeCacheModule = pathToFileURL(resolve('dist/admin/cli/startup/code-cache.js')).href;

/**
 * Load the bundle in a new node process (one isolate per load, as bin/salvo does: within one
 * process V8 would answer a second compile of the same source from memory, not from the file),
 * call fib(k), then finish with `exitCode`.
 */
function load(
  bundle: string,
  options: { name: string; dir: string; enabled?: boolean },
  exitCode = 0,
  k = 10,
): Load {
  const script = [
    `const { loadBundle } = await import(${JSON.stringify(codeCacheModule)});`,
    `const b = loadBundle(${JSON.stringify(bundle)}, ${JSON.stringify(options)});`,
    `const e = b.exports;`,
    `console.log(JSON.stringify({ cacheUsed: b.cacheUsed, cacheFile: b.cacheFile ?? null, fib: e.fib(${k}), url: e.url, file: e.file, dir: e.dir }));`,
    `b.finish(${exitCode});`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Load;
}

const files = (dir: string): string[] => readdirSync(dir).sort();

describe('code cache', () => {
  it('runs the bundle as CommonJS, with import.meta.url as the bundle file', () => {
    const { bundle, dir } = fixture();
    const r = load(bundle, { name: 'exec', dir });
    assert.equal(r.fib, 55);
    assert.equal(r.url, pathToFileURL(bundle).href);
    assert.equal(r.file, bundle);
    assert.equal(r.dir, join(bundle, '..'));
  });

  it('a good run stores the cache (0600 in a 0700 dir); the next load uses it', () => {
    const { bundle, dir } = fixture();
    assert.equal(load(bundle, { name: 'exec', dir }, 0, 12).cacheUsed, false);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const [file] = files(dir);
    assert.match(file ?? '', /^exec@v\d+\.\d+\.\d+-[a-z0-9]+-\d+-\d+\.bin$/);
    assert.equal(statSync(join(dir, file!)).mode & 0o777, 0o600);
    const second = load(bundle, { name: 'exec', dir }, 0, 12);
    assert.deepEqual([second.cacheUsed, second.fib], [true, 144]);
  });

  it('a run that stopped early (usage error, lock, internal error, interrupt) stores nothing', () => {
    const { bundle, dir } = fixture();
    for (const code of [2, 4, 70, 130, 143]) {
      load(bundle, { name: 'exec', dir }, code);
    }
    assert.deepEqual(files(dir), []);
  });

  it('a run with a host down stores a partial cache, used until a run ending 0 replaces it', () => {
    const { bundle, dir } = fixture();
    load(bundle, { name: 'exec', dir }, 3);
    assert.match(files(dir).join(), /^exec@\S+\.partial\.bin$/);
    const second = load(bundle, { name: 'exec', dir }, 3);
    assert.equal(second.cacheUsed, true, 'the partial cache is used');
    assert.match(files(dir).join(), /^exec@\S+\.partial\.bin$/, 'and not stored again');
    load(bundle, { name: 'exec', dir }, 0);
    const [final] = files(dir);
    assert.match(final ?? '', /^exec@\S+-\d+\.bin$/, 'final, and the partial one is gone');
    const mtime = statSync(join(dir, final!)).mtimeMs;
    assert.equal(load(bundle, { name: 'exec', dir }, 0).cacheUsed, true);
    assert.equal(statSync(join(dir, final!)).mtimeMs, mtime, 'a final cache is never rewritten');
  });

  it('what is stored after each exit code', () => {
    const table = [0, 1, 3, 2].map((code) =>
      (['none', 'partial', 'final'] as const)
        .map((held) => storeAfter(code, held) ?? '-')
        .join(' '),
    );
    assert.deepEqual(table, ['final final -', 'partial - -', 'partial - -', '- - -']);
  });

  it('damaged cached data is rejected, the bundle still runs, and a good run replaces it', () => {
    const { bundle, dir } = fixture();
    const first = load(bundle, { name: 'exec', dir });
    writeFileSync(first.cacheFile!, Buffer.alloc(4096, 0x5a), { mode: 0o600 });
    const damaged = load(bundle, { name: 'exec', dir });
    assert.deepEqual([damaged.cacheUsed, damaged.fib], [false, 55]);
    assert.equal(load(bundle, { name: 'exec', dir }).cacheUsed, true);
  });

  it('ignores a cache anyone else could have written: group/world-writable dir or file', () => {
    const { bundle, dir } = fixture();
    load(bundle, { name: 'exec', dir });
    const [file] = files(dir);
    chmodSync(join(dir, file!), 0o666);
    assert.equal(load(bundle, { name: 'exec', dir }).cacheUsed, false, 'writable file');
    chmodSync(join(dir, file!), 0o600);
    assert.equal(
      load(bundle, { name: 'exec', dir }).cacheUsed,
      true,
      'the same file, private again',
    );
    chmodSync(dir, 0o777);
    const open = load(bundle, { name: 'exec', dir });
    assert.deepEqual([open.cacheFile, open.cacheUsed], [null, false], 'writable dir');
  });

  it("one file per command name; a new bundle replaces only its own name's file", () => {
    const { bundle, dir } = fixture();
    load(bundle, { name: 'exec', dir });
    load(bundle, { name: 'status', dir });
    load(bundle, { name: '../evil', dir });
    assert.deepEqual(
      files(dir).map((f) => f.split('@')[0]),
      ['exec', 'other', 'status'],
    );
    writeFileSync(bundle, `// rebuilt\n${readFileSync(bundle, 'utf8')}`);
    load(bundle, { name: 'exec', dir });
    const execFiles = files(dir).filter((f) => f.startsWith('exec@'));
    assert.equal(execFiles.length, 1, "the old bundle's exec cache is gone");
    assert.ok(execFiles[0]!.includes(`-${statSync(bundle).size}-`));
    assert.equal(files(dir).filter((f) => f.startsWith('status@')).length, 1);
  });

  it("creates nothing under a directory of someone else's (root with another user's HOME)", {
    skip: process.getuid?.() !== 0 && 'needs root to chown',
  }, () => {
    const { bundle, dir } = fixture();
    const theirs = join(dir, 'home-of-nobody');
    mkdirSync(theirs, { recursive: true });
    chownSync(theirs, 65534, 65534);
    const r = load(bundle, { name: 'exec', dir: join(theirs, '.cache', 'salvo', 'v8') });
    assert.deepEqual([r.cacheFile, r.cacheUsed, r.fib], [null, false, 55]);
    assert.deepEqual(readdirSync(theirs), []);
  });

  it('enabled: false reads and writes nothing', () => {
    const { bundle, dir } = fixture();
    assert.equal(load(bundle, { name: 'exec', dir, enabled: false }).cacheFile, null);
    assert.throws(() => readdirSync(dir), /ENOENT/);
  });
});

describe('bin/salvo and the code cache', () => {
  const bin = resolve('bin/salvo');
  const salvo = (cache: string, extra: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [bin, 'nodeset', '-c', 'cloud[1-7,10-21]'], {
      encoding: 'utf8',
      env: { ...process.env, XDG_CACHE_HOME: cache, ...extra },
    });

  it("the first good run stores the command's cache, the next one gives the same answer", () => {
    const cache = join(root, 'xdg');
    const first = salvo(cache);
    assert.deepEqual([first.status, first.stdout], [0, '19\n']);
    assert.deepEqual(
      files(join(cache, 'salvo', 'v8')).map((f) => f.split('@')[0]),
      ['nodeset'],
    );
    const second = salvo(cache);
    assert.deepEqual([second.status, second.stdout], [0, '19\n']);
  });

  it('SALVO_CACHE=off stores nothing', () => {
    const cache = join(root, 'xdg-off');
    const r = salvo(cache, { SALVO_CACHE: 'off' });
    assert.deepEqual([r.status, r.stdout], [0, '19\n']);
    assert.throws(() => readdirSync(join(cache, 'salvo', 'v8')), /ENOENT/);
  });

  it('salvo check runs its own bundle (cache check-check), the other commands left out of it', () => {
    const cache = join(root, 'xdg-check');
    const file = join(root, 'check-services.yaml');
    writeFileSync(file, 'deployment: t\nhosts:\n  cloud[1-3]: {}\n');
    const check = () =>
      spawnSync(process.execPath, [bin, '-s', file, 'check'], {
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: cache },
      });
    const first = check();
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^hosts +cloud\[1-3\] \(3\)$/m);
    assert.deepEqual(
      files(join(cache, 'salvo', 'v8')).map((f) => f.split('@')[0]),
      ['check-check'],
    );
    assert.deepEqual([check().status, check().stdout], [0, first.stdout]);
    const text = readFileSync(resolve('dist/cli/check.cjs'), 'latin1');
    assert.ok(text.includes('./commands/exec/exec.js is not in the check bundle'));
    assert.ok(!text.includes('function registerExec('), 'exec is bundled into check.cjs');
  });

  it('the bundles are ASCII (one other character makes V8 hold a bundle as two-byte text)', () => {
    for (const name of ['salvo.cjs', 'check.cjs', 'launch.cjs']) {
      const bytes = readFileSync(resolve('dist/cli', name));
      assert.equal(
        bytes.findIndex((b) => b > 0x7f),
        -1,
        name,
      );
    }
  });
});

describe('which cache a command line uses', () => {
  const name = (...args: string[]): string => codeCacheName(['node', 'salvo', ...args]);
  it('the command word, past global options', () => {
    assert.equal(name('exec', 'cloud1', '--', 'true'), 'exec');
    assert.equal(name('-s', 'exec.yaml', 'status'), 'status');
  });
  it("help when asked for, or when no command is named; a remote command's -h is not a help request", () => {
    assert.equal(name('exec', '--help'), 'help');
    assert.equal(name('-h'), 'help');
    assert.equal(name(), 'help');
    assert.equal(name('--version'), 'help');
    assert.equal(name('exec', 'cloud1', '--', 'grep', '-h', 'x'), 'exec');
  });
  it('only a bare --version or -V is answered without the CLI (an upgrade names its own)', () => {
    const only = (...args: string[]): boolean => asksOnlyVersion(['node', 'salvo', ...args]);
    assert.equal(only('--version'), true);
    assert.equal(only('-V'), true);
    assert.equal(only('upgrade', 'hub', '--version', '2.0'), false);
    assert.equal(only('--version', '-s', 'x.yaml'), false);
    assert.equal(only(), false);
  });
});
