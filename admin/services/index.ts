// The service kinds by name, and the selection of services an operation acts on.
import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { cassandra } from './cassandra/index.js';
import { haproxy } from './haproxy/index.js';
import { hub, snap } from './daemon/index.js';
import { nginx } from './nginx/index.js';
import { tinc } from './tinc.js';
import { vm } from './vm.js';
import type { ServiceKind, Unit } from './types.js';

export const SERVICE_KINDS: Readonly<Record<string, ServiceKind>> = {
  vm,
  cassandra,
  hub,
  snap,
  haproxy,
  nginx,
  tinc,
};

export function serviceKind(name: string): ServiceKind {
  const kind = SERVICE_KINDS[name];
  if (!kind) {
    throw new UsageError(
      `unknown service \`${name}\` (kinds: ${Object.keys(SERVICE_KINDS).join(', ')})`,
    );
  }
  return kind;
}

/**
 * The services `target` names, in services-file order: `all` is every service of the file
 * (start order; stop and restart walk it reversed), else one service the file must have (tinc
 * counts when the file has a tinc section).
 */
export function selectServices(inv: Inventory, target: string): ServiceKind[] {
  if (target === 'all') {
    return [...inv.services.keys()].map(serviceKind);
  }
  const kind = serviceKind(target);
  const present = target === 'tinc' ? inv.tinc !== undefined : inv.services.has(target);
  if (!present) {
    const names = [...inv.services.keys(), ...(inv.tinc ? ['tinc'] : [])].join(', ') || 'none';
    throw new UsageError(`the services file has no \`${target}\` service (services: ${names})`);
  }
  return [kind];
}

/** Every unit of the selected services, optionally only on `hosts`, in file order. */
export function selectUnits(
  inv: Inventory,
  target: string,
  hosts?: string[],
): { kind: ServiceKind; unit: Unit }[] {
  return selectServices(inv, target).flatMap((kind) =>
    kind.units(inv, hosts).map((unit) => ({ kind, unit })),
  );
}

export type { Health, Operation, OperationOptions, ServiceKind, Step, Unit } from './types.js';
export { unitId } from './types.js';
