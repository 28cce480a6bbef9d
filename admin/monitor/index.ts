// monitor: the fleet monitor (docs/monitor.md). Scans (liveness, progress, host resources, the
// tinc mesh), state changes alerted once, self-healing through the rollout engine with monit's
// flap limit, the maintenance switch, a JSON-lines history. Used through `dep.monitor.*`.
export { alertOf, alertText, sendAlert, subjectLine } from './alerts.js';
export { healUnit } from './heal.js';
export { hubProgressFinding, type HubMemory } from './hub-progress.js';
export { MonitorLease, type LeaseState } from './lease.js';
export { History, historyQuery, type HistoryRecord, type HistoryStore } from './history.js';
export { CassandraHistory, daysFrom, openHistory } from './history-cassandra.js';
export { parseDf, parseHostProbe, type HostFacts, type MountUse } from './host-probe.js';
export {
  maintenanceStatus,
  setMaintenance,
  maintenanceFile,
  type MaintenanceState,
} from './maintenance.js';
export { runMonitor, type RunOptions, type RunSummary } from './run.js';
export { scanFleet } from './scan.js';
export { Tracker } from './tracker.js';
export * from './types.js';
