// The soak's census: what a V8 heap snapshot holds, summed by kind, so that growth of the
// program's own data (a leak) is told apart from growth of V8's compiler metadata. A soak of
// the monitor showed its live heap still rising slowly after two hours while no object of
// Salvo's, ssh2's or the driver's grew in number (heap snapshots compared by hand): what grew
// was V8's own bookkeeping for compiled functions. The census makes that comparison part of the
// run. Pure apart from reading the file (unit-tested on a snapshot of a small process).
import { readFile } from 'node:fs/promises';

/** Snapshot node types that are V8's code and compiler metadata, not objects of the program:
 * bytecode, feedback cells and metadata, scope infos, shared function infos, constant pools,
 * source position tables ("code") and hidden classes with their descriptor arrays ("object shape"). */
const V8_METADATA_TYPES = new Set(['code', 'object shape']);

export interface CensusGroup {
  /** "type" or "type|name" (names kept for objects, closures and V8's system kinds). */
  key: string;
  count: number;
  bytes: number;
}

export interface Census {
  /** Self size of everything in the snapshot. */
  totalBytes: number;
  /** Of it, V8's code and compiler metadata (types `code` and `object shape`). */
  metadataBytes: number;
  /** The rest: the program's objects, strings, arrays, closures, contexts and native buffers. */
  dataBytes: number;
  groups: CensusGroup[];
}

interface RawSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

const NAMED_TYPES = new Set(['object', 'closure', 'hidden', 'code', 'object shape', 'native']);

export function censusOf(raw: RawSnapshot): Census {
  const fields = raw.snapshot.meta.node_fields;
  const types = raw.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, CensusGroup>();
  let total = 0;
  let metadata = 0;
  for (let i = 0; i < raw.nodes.length; i += width) {
    const type = types[raw.nodes[i + typeAt]!] ?? 'unknown';
    const size = raw.nodes[i + sizeAt]!;
    // Names of strings are their text and of arrays mostly empty: grouped by type only.
    const key = NAMED_TYPES.has(type)
      ? `${type}|${(raw.strings[raw.nodes[i + nameAt]!] ?? '').slice(0, 60)}`
      : type;
    let g = groups.get(key);
    if (!g) {
      g = { key, count: 0, bytes: 0 };
      groups.set(key, g);
    }
    g.count += 1;
    g.bytes += size;
    total += size;
    if (V8_METADATA_TYPES.has(type)) {
      metadata += size;
    }
  }
  return {
    totalBytes: total,
    metadataBytes: metadata,
    dataBytes: total - metadata,
    groups: [...groups.values()],
  };
}

export async function readCensus(file: string): Promise<Census> {
  return censusOf(JSON.parse(await readFile(file, 'utf8')) as RawSnapshot);
}

export interface CensusChange {
  key: string;
  metadata: boolean;
  counts: number[];
  bytes: number[];
}

/** The groups whose bytes grew most from the first census to the last, biggest first. */
export function topGrowth(censuses: Census[], n = 12): CensusChange[] {
  const keys = new Set(censuses.flatMap((c) => c.groups.map((g) => g.key)));
  const rows: CensusChange[] = [];
  for (const key of keys) {
    const at = censuses.map((c) => c.groups.find((g) => g.key === key));
    rows.push({
      key,
      metadata: V8_METADATA_TYPES.has(key.split('|')[0]!),
      counts: at.map((g) => g?.count ?? 0),
      bytes: at.map((g) => g?.bytes ?? 0),
    });
  }
  const growth = (r: CensusChange): number => r.bytes.at(-1)! - r.bytes[0]!;
  return rows
    .filter((r) => growth(r) > 0)
    .sort((a, b) => growth(b) - growth(a))
    .slice(0, n);
}
