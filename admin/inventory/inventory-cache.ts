// A validated Inventory kept between runs, so a one-shot command (`salvo exec` on a few hosts)
// does not parse and validate the same services file every time (~17 ms for 200 hosts here).
// The key covers everything the result is made from: the file's bytes, the path as given and
// the absolute path it resolves to, the home directory, and the code that parsed it (`codeId`:
// a build of the CLI; node's version too). Stages that look at the file system record what they
// saw (FileFact in context.ts), and a cached result is used only while every fact still holds.
// Only results that passed validation are ever stored; a file that cannot be read back, or that
// anyone else could have written, is parsed afresh (private-files.ts).
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { ownPrivateDir, readOwnFile, salvoCacheDir, writeOwnFile } from '../cache/private-files.js';
import type { FileFact } from './context.js';
import type { Inventory } from './types.js';

export interface InventoryCacheOptions {
  /** Identifies the parsing code (one build): results of any other code are never reused. */
  codeId: string;
  /** Where the cache files live; default $XDG_CACHE_HOME/salvo/inventory or ~/.cache/salvo/inventory. */
  dir?: string;
}

const FORMAT = 1;
/** Entries kept: one per version of each services file used lately. */
const KEEP = 32;

interface Entry {
  format: number;
  facts: FileFact[];
  inventory: Inventory;
}

export function cacheKey(
  text: string,
  file: string,
  home: string,
  options: InventoryCacheOptions,
): string {
  const inputs = JSON.stringify([
    FORMAT,
    options.codeId,
    process.version,
    file,
    resolve(file),
    home,
  ]);
  return createHash('sha256').update(inputs).update('\0').update(text).digest('hex');
}

/** The inventory stored under `key`, if it is there, ours, readable, and its facts still hold. */
export function readCachedInventory(
  options: InventoryCacheOptions,
  key: string,
): Inventory | undefined {
  const dir = options.dir ?? salvoCacheDir('inventory');
  const data = dir ? readOwnFile(join(dir, `${key}.bin`)) : undefined;
  if (!data) {
    return undefined;
  }
  try {
    const entry = deserialize(data) as Entry;
    if (entry.format !== FORMAT || !Array.isArray(entry.facts)) {
      return undefined;
    }
    if (!entry.facts.every((f) => existsSync(f.path) === f.exists)) {
      return undefined;
    }
    return entry.inventory;
  } catch {
    return undefined;
  }
}

export function storeCachedInventory(
  options: InventoryCacheOptions,
  key: string,
  inventory: Inventory,
  facts: FileFact[],
): void {
  const dir = options.dir ?? salvoCacheDir('inventory');
  if (!dir || !ownPrivateDir(dir)) {
    return;
  }
  let data: Buffer;
  try {
    data = serialize({ format: FORMAT, facts, inventory } satisfies Entry);
  } catch {
    return; // something in it that cannot be stored: parse every time
  }
  if (writeOwnFile(join(dir, `${key}.bin`), data)) {
    prune(dir);
  }
}

/** Keep the KEEP most recently written entries. */
function prune(dir: string): void {
  try {
    const entries = readdirSync(dir)
      .filter((f) => /^[0-9a-f]{64}\.bin$/.test(f))
      .map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const { f } of entries.slice(KEEP)) {
      rmSync(join(dir, f), { force: true });
    }
  } catch {
    // another process pruned first: nothing to do
  }
}
