// Rules + services file → the series to back up (pure). A series is one source's copy of one set
// on one target: ROOT/DEPLOYMENT/SET/SOURCE on the target host.
import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { ringOf } from '../services/cassandra/kind.js';
import { maintenanceFile } from '../services/layout.js';
import type { SourceScriptOptions } from './remote/source.js';
import { unitsOf } from '../services/units.js';
import { chooseTargets } from './rules/index.js';
import type { BackupRules, Endpoint, Series } from './types.js';

export interface Selection {
  /** Only this set. */
  set?: string;
  /** Only these source hosts. */
  sources?: string[];
  /** Only series with this id (`srv/cloud1@cloud2`) or series prefix (`srv/cloud1`). */
  series?: string;
}

export function planSeries(inv: Inventory, rules: BackupRules, sel: Selection = {}): Series[] {
  if (sel.set !== undefined && !rules.sets.some((s) => s.name === sel.set)) {
    throw new UsageError(
      `no backup set "${sel.set}" in ${rules.file} (sets: ${rules.sets.map((s) => s.name).join(', ')})`,
    );
  }
  const out: Series[] = [];
  for (const set of rules.sets) {
    if (sel.set !== undefined && set.name !== sel.set) {
      continue;
    }
    for (const source of set.sources) {
      if (sel.sources && !sel.sources.includes(source)) {
        continue;
      }
      for (const t of chooseTargets(set, source, inv)) {
        const id = `${set.name}/${source}@${t}`;
        if (
          sel.series !== undefined &&
          sel.series !== id &&
          sel.series !== `${set.name}/${source}`
        ) {
          continue;
        }
        out.push({
          id,
          set: set.name,
          source,
          target: endpoint(inv, rules, t),
          dir: `${set.root}/${inv.deployment}/${set.name}/${source}`,
          paths: set.paths,
          exclude: set.exclude,
          bwlimit: set.bwlimit,
          retention: set.retention,
          maxAgeMs: set.maxAgeMs,
          ...(set.cassandra
            ? {
                cassandra: {
                  ...set.cassandra,
                  nodetool: ringOf(inv, unitsOf(inv, 'cassandra', [source])[0]!).nodetool,
                },
              }
            : {}),
        });
      }
    }
  }
  if (sel.series !== undefined && !out.length) {
    throw new UsageError(
      `no backup series "${sel.series}" (expected SET/SOURCE or SET/SOURCE@TARGET; see salvo backup list)`,
    );
  }
  return out;
}

export function endpoint(inv: Inventory, rules: BackupRules, host: string): Endpoint {
  const spec = inv.hosts.get(host);
  return {
    host,
    address: spec?.address ?? host,
    port: spec?.port ?? 22,
    user: rules.user,
  };
}

/** The lock host (the services file's first host) and its maintenance switch, for --scheduled runs. */
export function maintenanceSwitch(
  inv: Inventory,
  rules: BackupRules,
): SourceScriptOptions['maintenance'] {
  const host = [...inv.hosts.keys()][0];
  return host === undefined
    ? undefined
    : { ...endpoint(inv, rules, host), file: maintenanceFile(inv.deployment) };
}

/** Series grouped by source host, in plan order. */
export function bySource(series: Series[]): Map<string, Series[]> {
  const m = new Map<string, Series[]>();
  for (const s of series) {
    m.set(s.source, [...(m.get(s.source) ?? []), s]);
  }
  return m;
}

/** Series grouped by target host. */
export function byTarget(series: Series[]): Map<string, Series[]> {
  const m = new Map<string, Series[]>();
  for (const s of series) {
    m.set(s.target.host, [...(m.get(s.target.host) ?? []), s]);
  }
  return m;
}

/** Snapshot names are UTC times: 2026-12-02T132400Z (sortable, one per second per series). */
export function snapshotName(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/^(\d{4})(\d\d)(\d\d)/, '$1-$2-$3');
}

/** The time a snapshot name stands for, or undefined if it is not one. */
export function snapshotTime(name: string): Date | undefined {
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d)(\d\d)(\d\d)Z$/.exec(name);
  if (!m) {
    return undefined;
  }
  return new Date(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}
