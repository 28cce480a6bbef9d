// Where images live: the physical hosts of the guests and the vm service's directory on them.
import { inventoryGuests } from '../../inventory/vm-guests.js';
import type { Inventory } from '../../inventory/types.js';
import type { CommandResult } from '../../transport/types.js';

/** Where images live on the physical hosts (the vm service's `dir`). */
export function vmDir(inv: Inventory): string {
  return (inv.services.get('vm')?.options.dir as string | undefined) ?? '/var/lib/salvo/vm';
}

/** The physical hosts of the guests, in services-file order. */
export function physicalHosts(inv: Inventory): string[] {
  return [...new Set(inventoryGuests(inv).map((g) => g.physical))];
}

/** A host's failure in a few words: the end of its stderr, or the failure. */
export function why(r: CommandResult | undefined): string {
  if (!r) {
    return 'no result';
  }
  return (r.stderr.trim() || r.failure?.message || `exit ${r.exitCode}`)
    .split('\n')
    .slice(-3)
    .join('; ');
}
