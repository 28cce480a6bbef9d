// Distributed rsync backups (docs/backup.md): rules → series → each source node pushes its own
// series to its targets, locked per series on the target by the transfer's own SSH channel,
// published atomically; list/status, verify, restore, prune and cron on top.
import type { Deployment } from '../deployment/deployment.js';
import type { BackupListener } from './events.js';
import type { BackupContext } from './context.js';
import { loadRules } from './rules/index.js';

export { cronAction, cronText } from './cron.js';
export type { BackupEvent, BackupListener } from './events.js';
export { listSeries, seriesStatus, parseListing } from './list.js';
export { planSeries, snapshotName, snapshotTime, type Selection } from './plan.js';
export { pruneSeries } from './prune.js';
export { restoreSeries, type RestoreOptions } from './restore.js';
export { selectSnapshots } from './retention.js';
export { LOCKED_EXIT } from './remote/receive.js';
export { parseRules, loadRules, chooseTargets } from './rules/index.js';
export { runBackup, describeHolder, type RunBackupOptions } from './run.js';
export { verifySeries, compareManifest } from './verify.js';
export type * from './types.js';

/** The rules of a deployment with what every operation needs. */
export async function backupContext(
  dep: Deployment,
  o: { signal?: AbortSignal; onEvent?: BackupListener } = {},
): Promise<BackupContext> {
  return {
    dep,
    rules: await loadRules(dep.inventory),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onEvent ? { onEvent: o.onEvent } : {}),
  };
}
