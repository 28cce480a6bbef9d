// Heal one critical unit: restart it through the rollout engine (journaled; hubs drained in
// haproxy by their kind), under the operator lock, and only while maintenance is off. Another
// operator's lock is never waited for: the heal is skipped and tried again next scan.
import type { Deployment } from '../deployment/deployment.js';
import { LockedError } from '../errors.js';
import { maintenanceStatus } from './maintenance.js';
import type { HealRecord } from './types.js';

export async function healUnit(
  dep: Deployment,
  unit: { id: string; service: string; host: string },
  signal?: AbortSignal,
): Promise<HealRecord> {
  const base = { unit: unit.id, service: unit.service, host: unit.host };
  try {
    return await dep.locked(
      `monitor: heal ${unit.id}`,
      async (): Promise<HealRecord> => {
        const m = await maintenanceStatus(dep, signal);
        if (m.on) {
          return {
            ...base,
            outcome: 'skipped',
            reason: `maintenance is on (${m.where}${m.by ? `, by ${m.by}` : ''})`,
          };
        }
        const r = await dep.restart(unit.service, {
          hosts: unit.host,
          ...(signal ? { signal } : {}),
        });
        if (r.state === 'done') {
          return { ...base, outcome: 'restarted', ...(r.runId ? { runId: r.runId } : {}) };
        }
        const why = r.failures.map((f) => f.reason).join('; ') || r.state;
        return { ...base, outcome: 'failed', reason: why, ...(r.runId ? { runId: r.runId } : {}) };
      },
      signal ? { signal } : {},
    );
  } catch (e) {
    if (e instanceof LockedError) {
      return { ...base, outcome: 'skipped', reason: `locked: ${e.message}` };
    }
    return { ...base, outcome: 'failed', reason: (e as Error).message };
  }
}
