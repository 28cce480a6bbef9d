// The inventory cache: a second load of the same bytes is answered from the cache, and anything
// the result was made from (bytes, code, home, files looked at) changing means a fresh parse.
import assert from 'node:assert/strict';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { deserialize, serialize } from 'node:v8';
import { ConfigError } from '../../admin/errors.js';
import { loadInventory } from '../../admin/inventory/load.js';
import { parseInventory } from '../../admin/inventory/parse.js';

const root = mkdtempSync(join(tmpdir(), 'salvo-inventory-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** A services file (the repo's example, or `text`), an empty home, a cache dir. */
function setup(text = readFileSync(resolve('services.yaml'), 'utf8')) {
  const base = join(root, `case${n++}`);
  const home = join(base, 'home');
  mkdirSync(home, { recursive: true });
  const file = join(base, 'services.yaml');
  writeFileSync(file, text);
  const dir = join(base, 'cache');
  const load = (codeId = 'build-1') => loadInventory(file, { home, cache: { codeId, dir } });
  return { base, home, file, dir, load };
}

const entries = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.bin'));

/** Rewrite the one cache entry's inventory name, to see whether a load came from the cache. */
function tamper(dir: string, deployment: string): void {
  const [entry] = entries(dir);
  const path = join(dir, entry!);
  const data = deserialize(readFileSync(path)) as { inventory: { deployment: string } };
  data.inventory.deployment = deployment;
  writeFileSync(path, serialize(data), { mode: 0o600 });
}

describe('inventory cache', () => {
  it('gives back exactly what the parser gave (Maps, nested values, prototypes)', async () => {
    const { file, home, dir, load } = setup();
    const parsed = parseInventory(readFileSync(file, 'utf8'), file, { home });
    assert.deepStrictEqual(await load(), parsed);
    assert.equal(entries(dir).length, 1);
    assert.deepStrictEqual(await load(), parsed);
  });

  it('a second load of the same bytes is answered from the cache', async () => {
    const { dir, load } = setup();
    assert.equal((await load()).deployment, 'storm');
    tamper(dir, 'from-the-cache');
    assert.equal((await load()).deployment, 'from-the-cache');
  });

  it('changed bytes or another build parse afresh', async () => {
    const { file, dir, load } = setup();
    await load();
    tamper(dir, 'from-the-cache');
    assert.equal((await load('build-2')).deployment, 'storm', 'another build');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(/^deployment: storm$/m, 'deployment: cloud'),
    );
    assert.equal((await load()).deployment, 'cloud', 'edited file');
  });

  it('a file the result depended on appearing (the default ~/.ssh/config) means a fresh parse', async () => {
    const { home, load } = setup();
    assert.equal((await load()).ssh.config, undefined);
    mkdirSync(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'config'), 'Host *\n');
    assert.equal((await load()).ssh.config, join(home, '.ssh', 'config'));
  });

  it('a file with errors is reported as always and nothing is stored', async () => {
    const { dir, load } = setup('deployment: storm\nbogus: 1\n');
    await assert.rejects(load(), ConfigError);
    await assert.rejects(load(), ConfigError);
    assert.equal(existsSync(dir) ? readdirSync(dir).length : 0, 0);
  });

  it('an entry anyone else could have written is not used', async () => {
    const { dir, load } = setup();
    await load();
    tamper(dir, 'from-the-cache');
    chmodSync(join(dir, entries(dir)[0]!), 0o666);
    assert.equal((await load()).deployment, 'storm');
  });

  it('a damaged entry is parsed afresh and replaced', async () => {
    const { dir, load } = setup();
    await load();
    writeFileSync(join(dir, entries(dir)[0]!), Buffer.from('not a v8 value'), { mode: 0o600 });
    assert.equal((await load()).deployment, 'storm');
    tamper(dir, 'from-the-cache');
    assert.equal((await load()).deployment, 'from-the-cache');
  });

  it('keeps the 32 latest entries', async () => {
    const { file, dir, load } = setup();
    const text = readFileSync(file, 'utf8');
    for (let i = 0; i < 34; i++) {
      writeFileSync(file, `${text}\n# edit ${i}\n`);
      await load();
    }
    assert.equal(entries(dir).length, 32);
  });
});

describe('what a cached inventory may depend on', () => {
  // The cache key covers the file's bytes, paths, home and build; anything else a stage reads
  // must be a FileFact (context.ts fileExists). A stage reading fs, env or the clock on its own
  // would make cached results silently stale: only these modules may.
  const allowed = new Set(['context.js', 'inventory-cache.js', 'load.js', 'parse.js']);
  const dirs = [
    'dist/admin/inventory',
    'dist/admin/inventory/sections',
    'dist/admin/inventory/nodeset',
    'dist/admin/inventory/nodeset/parse',
    'dist/admin/inventory/nodeset/sets',
    'dist/admin/inventory/schema',
    'dist/admin/inventory/rules',
  ];

  it('no parsing stage reads files, the environment or the clock itself', () => {
    const offenders: string[] = [];
    for (const d of dirs) {
      for (const f of readdirSync(resolve(d)).filter((x) => x.endsWith('.js') && !allowed.has(x))) {
        const text = readFileSync(resolve(d, f), 'utf8');
        if (
          /from 'node:(fs|os|child_process)|process\.env|homedir\(|Date\.now\(|new Date\(/.test(
            text,
          )
        ) {
          offenders.push(`${d}/${f}`);
        }
      }
    }
    assert.deepEqual(offenders, []);
    assert.ok(readdirSync(resolve(dirs[1]!)).includes('normalize.js'), 'the stages were looked at');
  });
});
