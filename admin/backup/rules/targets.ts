// Where a source's copies go: the rules' target list read as a ring, never the source itself,
// and with `avoid: host` never a host on the same physical machine.
import type { Inventory } from '../../inventory/types.js';
import type { BackupSet } from '../types.js';

/** The physical host a host lives on: its vm_on, else itself. */
export function physicalHost(inv: Inventory, host: string): string {
  return inv.hosts.get(host)?.vmOn ?? host;
}

/**
 * A source's targets: the next `copies` candidates after it in the target list (a ring), never
 * itself and, with `avoid: host`, never a host on the same physical machine.
 */
export function chooseTargets(set: BackupSet, source: string, inv: Inventory): string[] {
  const list = set.targetHosts;
  const start = list.indexOf(source);
  const ordered = start < 0 ? list : [...list.slice(start + 1), ...list.slice(0, start)];
  const mine = physicalHost(inv, source);
  return ordered
    .filter((t) => t !== source && (set.avoid === 'none' || physicalHost(inv, t) !== mine))
    .slice(0, set.copies);
}
