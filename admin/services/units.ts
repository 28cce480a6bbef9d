// Units of a service: its hosts × its instances, each with what placement-aware batching must
// keep apart (the physical host of a VM, the Cassandra rack, the haproxy backends it serves).
import { ConfigError } from '../errors.js';
import type { Inventory, ServiceSpec } from '../inventory/types.js';
import type { Unit } from './types.js';

/** The service's entry, or a ConfigError pointing at the file when it has none. */
export function serviceSpec(inv: Inventory, kind: string): ServiceSpec {
  const spec = inv.services.get(kind);
  if (!spec) {
    const known = [...inv.services.keys()].join(', ') || 'none';
    throw new ConfigError([
      {
        file: inv.file,
        line: 1,
        col: 1,
        message: `services: no \`${kind}\` service in this file (services: ${known})`,
      },
    ]);
  }
  return spec;
}

export function instanceCount(spec: ServiceSpec): number {
  const n = spec.options.instances;
  return typeof n === 'number' && n >= 1 ? n : 1;
}

/** haproxy backends (service names) that balance this service: its units must not all go at once. */
export function backendsOf(inv: Inventory, kind: string): string[] {
  const backends = inv.services.get('haproxy')?.options.backends;
  return Array.isArray(backends) && backends.includes(kind) ? [kind] : [];
}

function rackOf(inv: Inventory, kind: string, host: string): string | undefined {
  // A guest that is a Cassandra node carries its rack: restarting guests keeps racks apart too.
  if (kind !== 'cassandra' && kind !== 'vm') {
    return undefined;
  }
  const topology = inv.services.get('cassandra')?.options.topology as
    | Record<string, string>
    | undefined;
  return topology?.[host];
}

/** The haproxy backends a guest serves (the backend services with units on it): restarting
 * guests must not take every hub down at once. */
function guestBackends(inv: Inventory, host: string): string[] {
  const backends = inv.services.get('haproxy')?.options.backends;
  return Array.isArray(backends)
    ? backends.filter((b: string) => inv.services.get(b)?.hosts.includes(host))
    : [];
}

export function placementOf(inv: Inventory, kind: string, host: string): Unit['placement'] {
  const physical = inv.hosts.get(host)?.vmOn;
  const rack = rackOf(inv, kind, host);
  const backends = kind === 'vm' ? guestBackends(inv, host) : backendsOf(inv, kind);
  return {
    ...(physical ? { physical } : {}),
    ...(rack ? { rack } : {}),
    ...(backends.length > 0 ? { backends } : {}),
  };
}

/** Units of `kind`, host by host in file order, instance by instance; only `hosts` if given. */
export function unitsOf(inv: Inventory, kind: string, hosts?: string[]): Unit[] {
  const spec = inv.services.get(kind);
  if (!spec) {
    return [];
  }
  const wanted = hosts ? new Set(hosts) : undefined;
  const count = instanceCount(spec);
  return spec.hosts
    .filter((h) => !wanted || wanted.has(h))
    .flatMap((host) =>
      Array.from({ length: count }, (_, instance) => ({
        service: kind,
        host,
        instance,
        placement: placementOf(inv, kind, host),
      })),
    );
}
