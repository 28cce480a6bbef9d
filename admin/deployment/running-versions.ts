// What a restart starts again: the version each unit runs, where it differs from the services
// file's (a unit upgraded with `upgrade --version` keeps that version through a plain restart; a
// guest moved to another base image with `upgrade vm --image` keeps booting that image).
// Read-only: one round trip per host.
import type { Inventory } from '../inventory/types.js';
import type { PlanView } from '../rollout/plan/plan-view.js';
import { serviceKind } from '../services/index.js';
import { fileVersion } from '../services/argv.js';
import { probeUnits, scanHosts, type Runner } from '../services/observe.js';
import { unitId } from '../services/types.js';

/** A unit of the plan with what is known of its versions. */
export interface UnitVersions {
  id: string;
  /** What the services file asks of it. */
  file?: string;
  /** What its host reports running; undefined when not running or not readable. */
  running?: string;
}

/**
 * The decision: unit id → the version a restart keeps, for the units that run another version
 * than the file's. A unit not running, or whose host could not be read, gets the file's.
 */
export function keptVersions(units: UnitVersions[]): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const u of units) {
    if (u.running !== undefined && u.running !== u.file) {
      kept[u.id] = u.running;
    }
  }
  return kept;
}

/** Unit id → the version it runs, for the units of `plan` that run another than the file's. */
export async function runningVersions(
  runner: Runner,
  inv: Inventory,
  plan: PlanView,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const ids = new Set(plan.batches.flatMap((b) => b.units.map((u) => u.id)));
  const services = [...new Set(plan.batches.map((b) => b.service))];
  const units = services.flatMap((s) => {
    const kind = serviceKind(s);
    return kind
      .units(inv)
      .filter((u) => ids.has(unitId(u)))
      .map((unit) => ({ kind, unit }));
  });
  if (!units.length) {
    return {};
  }
  const running = new Map<string, string>();
  // Daemons: the versions their own hosts record.
  const scanned = units.filter(({ kind }) => !kind.versions?.fromProbe);
  const hosts = [...new Set(scanned.map(({ unit }) => unit.host))];
  if (hosts.length) {
    const scans = await scanHosts(runner, inv, hosts, signal ? { signal } : {});
    for (const s of scans) {
      for (const u of s.units ?? []) {
        if (u.alive && u.version) {
          running.set(`${u.service}#${u.instance}@${s.host}`, u.version);
        }
      }
    }
  }
  // Kinds whose version their health probe reports (a guest's image, from its physical host).
  const probed = units.filter(({ kind }) => kind.versions?.fromProbe);
  if (probed.length) {
    const statuses = await probeUnits(runner, inv, probed, signal ? { signal } : {});
    for (const s of statuses) {
      if (s.health?.version !== undefined) {
        running.set(unitId(s.unit), s.health.version);
      }
    }
  }
  return keptVersions(
    units.map(({ kind, unit }) => {
      const id = unitId(unit);
      const file = fileVersion(kind, unit, inv);
      const now = running.get(id);
      return {
        id,
        ...(file !== undefined ? { file } : {}),
        ...(now !== undefined ? { running: now } : {}),
      };
    }),
  );
}
