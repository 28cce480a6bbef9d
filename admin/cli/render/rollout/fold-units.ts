// Units folded for display: instances of one service on a set of hosts.
import { foldNodeSet } from '../../../inventory/nodeset.js';

/** `hub#0-1 cloud[1-2]` when every instance is on the same hosts, else `hub#0 cloud1, hub#1
 * cloud[1-2]`; `service` '' gives `#0-1 cloud[1-2]`. */
export function foldInstances(
  service: string,
  units: { instance: number; host: string }[],
): string {
  const byInstance = new Map<number, string[]>();
  for (const u of units) {
    byInstance.set(u.instance, [...(byInstance.get(u.instance) ?? []), u.host]);
  }
  const folded = [...byInstance]
    .sort(([a], [b]) => a - b)
    .map(([i, hosts]) => [i, foldNodeSet(hosts)] as const);
  if (!folded.every(([, f]) => f === folded[0]![1])) {
    return folded.map(([i, f]) => `${service}#${i} ${f}`).join(', ');
  }
  const ids = folded.map(([i]) => i);
  const span =
    ids.length > 1 && ids.at(-1)! - ids[0]! === ids.length - 1
      ? `${ids[0]}-${ids.at(-1)}`
      : ids.join(',');
  return `${service}#${span} ${folded[0]![1]}`;
}
