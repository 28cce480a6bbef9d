// Placement-aware batching: units that would hurt together never share a batch. Derived from the
// services file: the physical host (a VM's vm_on, else the host itself), the Cassandra rack, and
// the haproxy backends a unit serves in.
import type { Inventory } from '../../inventory/types.js';
import type { Unit } from '../../services/types.js';

/** What batching needs to know about one unit. */
export interface Placed {
  id: string;
  physical: string;
  rack?: string;
  backends: string[];
}

/**
 * The unit's placement, filling what the kind left out from the services file: a kind that forgets
 * `physical` must not make two VMs of one machine restart together.
 */
export function placementOf(id: string, unit: Unit, inv: Inventory): Placed {
  const p = unit.placement;
  return {
    id,
    physical: p.physical ?? inv.hosts.get(unit.host)?.vmOn ?? unit.host,
    ...(p.rack === undefined ? {} : { rack: p.rack }),
    backends: p.backends ?? backendsServedBy(unit.service, inv),
  };
}

/** The haproxy backends a service is balanced in: haproxy's `backends` option (default hub). */
export function backendsServedBy(service: string, inv: Inventory): string[] {
  const haproxy = inv.services.get('haproxy');
  if (!haproxy) {
    return [];
  }
  const raw = haproxy.options.backends ?? 'hub';
  const names = Array.isArray(raw) ? raw.map(String) : [String(raw)];
  return names.includes(service) ? [service] : [];
}

/** How many units serve in each backend (over the whole deployment, not just the targeted hosts). */
export function backendTotals(units: Placed[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const u of units) {
    for (const b of u.backends) {
      totals.set(b, (totals.get(b) ?? 0) + 1);
    }
  }
  return totals;
}

/**
 * Why `u` may not join `batch`, or undefined if it may. `perHost`: units of one physical host a
 * batch may hold (1 unless the operator asked for more: `--per-host N`, vm's `per_host`).
 */
export function conflict(
  u: Placed,
  batch: Placed[],
  totals: Map<string, number>,
  perHost = 1,
): string | undefined {
  const same = batch.filter((o) => o.physical === u.physical);
  if (same.length >= perHost) {
    return perHost === 1
      ? `${u.id} shares physical host ${u.physical} with ${same[0]!.id}`
      : `${u.id}: ${perHost} units of physical host ${u.physical} in this batch already`;
  }
  for (const o of batch) {
    if (u.rack !== undefined && o.rack === u.rack) {
      return `${u.id} shares rack ${u.rack} with ${o.id}`;
    }
  }
  for (const b of u.backends) {
    const total = totals.get(b) ?? 0;
    const inBatch = batch.filter((o) => o.backends.includes(b)).length;
    // A backend with one server is down whenever that server is; sharing a batch adds nothing.
    if (total > 1 && inBatch + 1 >= total) {
      return `${u.id} would take down every server of backend ${b}`;
    }
  }
  return undefined;
}

export interface Batching<T> {
  members: T[];
  splitBy: string[];
}

/**
 * Greedy, order-keeping: each batch takes the earliest remaining units that fit, up to `size`.
 * The first remaining unit always fits an empty batch, so every unit lands in exactly one batch.
 */
export function batchUnits<T extends Placed>(
  units: T[],
  size: number,
  totals: Map<string, number>,
  aware = true,
  perHost = 1,
): Batching<T>[] {
  const batches: Batching<T>[] = [];
  let remaining = units;
  while (remaining.length) {
    const members: T[] = [];
    const splitBy: string[] = [];
    for (const u of remaining) {
      if (members.length >= size) {
        break;
      }
      const why = aware ? conflict(u, members, totals, perHost) : undefined;
      if (why) {
        splitBy.push(why);
      } else {
        members.push(u);
      }
    }
    batches.push({ members, splitBy: members.length < size && splitBy.length ? splitBy : [] });
    remaining = remaining.filter((u) => !members.includes(u));
  }
  return batches;
}
