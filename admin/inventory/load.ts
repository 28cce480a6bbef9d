// Read a services file into a validated Inventory (parse.ts), optionally through the inventory
// cache. The parser (YAML, zod's schemas) is imported only when the cache cannot answer: its
// modules cost ~5 ms to initialise and parsing a 200-host file ~12 ms, for every one-shot command.
// node:fs's callback form: node:fs/promises loads readline and the stream modules with it, a
// measurable part of a `salvo check` that reads one file.
import { readFile } from 'node:fs';
import { homedir } from 'node:os';
import { ConfigError } from '../errors.js';
import type { InventoryCacheOptions } from './inventory-cache.js';
import type { Inventory } from './types.js';

export interface LoadOptions {
  home?: string; // for `~` and the default ~/.ssh/config (default: the user's home)
  /** Reuse the result of an earlier load of the same bytes (see inventory-cache.ts). */
  cache?: InventoryCacheOptions;
}

/** Read and validate the services file at `file`. Throws ConfigError listing every problem. */
export async function loadInventory(file: string, options: LoadOptions = {}): Promise<Inventory> {
  let text: string;
  try {
    text = await new Promise<string>((resolve, reject) =>
      readFile(file, 'utf8', (err, data) => (err ? reject(err) : resolve(data))),
    );
  } catch (err) {
    const message = `cannot read services file: ${(err as Error).message}`;
    throw new ConfigError([{ file, line: 1, col: 1, message }]);
  }
  const home = options.home ?? homedir();
  // The cache module (node:crypto, node:v8) only when a cache is asked for (not by `salvo check`).
  const cache = options.cache ? await import('./inventory-cache.js') : undefined;
  const key = options.cache && cache?.cacheKey(text, file, home, options.cache);
  const cached = options.cache && key ? cache?.readCachedInventory(options.cache, key) : undefined;
  if (cached) {
    return cached;
  }
  const { parseInventoryWithFacts } = await import('./parse.js');
  const { inventory, facts } = parseInventoryWithFacts(text, file, { home });
  if (options.cache && key) {
    cache?.storeCachedInventory(options.cache, key, inventory, facts);
  }
  return inventory;
}
