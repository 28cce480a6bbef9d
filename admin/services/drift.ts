// Drift: the services file against what the hosts' pid records say runs. Pure: the scan is
// read elsewhere (observe.ts). Only kinds with pid records under /srv/salvo take part (vm and
// tinc report through their own subsystems).
import type { Inventory } from '../inventory/types.js';
import type { ScannedUnit } from '../probes/scan.js';
import { wantedVersion } from './argv.js';
import { unitsOf } from './units.js';
import type { HostScan } from './observe.js';
import type { Unit } from './types.js';

const DRIFT_KINDS = ['cassandra', 'hub', 'snap', 'haproxy', 'nginx'];

export type DriftItem =
  | { type: 'missing'; unit: Unit; version?: string } // `start` would start it
  | {
      type: 'extra';
      service: string;
      instance: number;
      host: string;
      pid?: number;
      version?: string;
    } // runs outside the file
  | { type: 'version'; unit: Unit; running: string; wanted: string } // `upgrade` would switch it
  | { type: 'unknown'; host: string; reason: string }; // could not look

const key = (service: string, instance: number, host: string): string =>
  `${service}#${instance}@${host}`;

function wanted(inv: Inventory, service: string): string | undefined {
  const spec = inv.services.get(service);
  return spec ? wantedVersion(spec) : undefined;
}

export function computeDrift(inv: Inventory, scans: HostScan[]): DriftItem[] {
  const running = new Map<string, ScannedUnit & { host: string }>();
  const looked = new Set<string>();
  const items: DriftItem[] = [];
  for (const s of scans) {
    if (s.error !== undefined) {
      items.push({ type: 'unknown', host: s.host, reason: s.error });
      continue;
    }
    looked.add(s.host);
    for (const u of s.units ?? []) {
      if (u.alive) {
        running.set(key(u.service, u.instance, s.host), { ...u, host: s.host });
      }
    }
  }
  const desired = new Set<string>();
  for (const service of DRIFT_KINDS) {
    for (const unit of unitsOf(inv, service)) {
      if (!looked.has(unit.host)) {
        continue;
      }
      const k = key(service, unit.instance, unit.host);
      desired.add(k);
      const now = running.get(k);
      const want = wanted(inv, service);
      if (!now) {
        items.push({ type: 'missing', unit, ...(want ? { version: want } : {}) });
      } else if (want && now.version && now.version !== want) {
        items.push({ type: 'version', unit, running: now.version, wanted: want });
      }
    }
  }
  for (const [k, u] of running) {
    if (desired.has(k)) {
      continue;
    }
    items.push({
      type: 'extra',
      service: u.service,
      instance: u.instance,
      host: u.host,
      ...(u.pid !== undefined ? { pid: u.pid } : {}),
      ...(u.version ? { version: u.version } : {}),
    });
  }
  return items;
}
