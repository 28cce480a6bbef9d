// What a restart starts again: the version each unit's host records as running, where it differs
// from the services file's (a unit upgraded with `upgrade --version` keeps that version through a
// plain restart). Read-only: one scan per host.
import type { Inventory } from '../inventory/types.js';
import type { PlanView } from '../rollout/plan-view.js';
import { scanHosts, type Runner } from '../services/observe.js';

/** Unit id → the version it runs, for the units of `plan` that run another than the file's. */
export async function runningVersions(
  runner: Runner,
  inv: Inventory,
  plan: PlanView,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const units = plan.batches.flatMap((b) => b.units);
  const hosts = [...new Set(units.map((u) => u.host))];
  if (!hosts.length) {
    return {};
  }
  const scans = await scanHosts(runner, inv, hosts, signal ? { signal } : {});
  const running = new Map<string, string>();
  for (const s of scans) {
    for (const u of s.units ?? []) {
      if (u.alive && u.version) {
        running.set(`${u.service}#${u.instance}@${s.host}`, u.version);
      }
    }
  }
  const versions: Record<string, string> = {};
  for (const u of units) {
    const now = running.get(u.id);
    const spec = inv.services.get(u.id.slice(0, u.id.indexOf('#')));
    const file = typeof spec?.options.version === 'string' ? spec.options.version : undefined;
    if (now !== undefined && now !== file) {
      versions[u.id] = now;
    }
  }
  return versions;
}
