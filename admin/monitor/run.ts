// `salvo monitor run`: scan, record, alert each state change once, heal critical units that have
// a `heal:` policy (at most N restarts within M scans, then "unmonitored" with an alert), wait,
// again — until cancelled (or after `scans` scans, for tests and cron).
import type { Deployment } from '../deployment/deployment.js';
import type { MonitorSettings } from '../inventory/types.js';
import { alertOf, sendAlert } from './alerts.js';
import { healUnit } from './heal.js';
import type { HubMemory } from './hub-progress.js';
import { MonitorLease } from './lease.js';
import type { HistoryRecord, HistoryStore } from './history.js';
import { openHistory } from './history-cassandra.js';
import { scanFleet } from './scan.js';
import { Tracker } from './tracker.js';
import type { MonitorEvent, ScanResult, StateChange } from './types.js';

export interface RunOptions {
  intervalMs: number;
  /** Stop after this many scans (default: run until cancelled). */
  scans?: number;
  /** Take part in the election of one active monitor per deployment (default true). */
  elect?: boolean;
  signal?: AbortSignal | undefined;
  onEvent?: ((e: MonitorEvent) => void) | undefined;
}

export interface RunSummary {
  scans: number;
  last?: ScanResult;
}

export async function runMonitor(
  dep: Deployment,
  m: MonitorSettings,
  o: RunOptions,
): Promise<RunSummary> {
  const history = await openHistory(dep, m);
  const tracker = new Tracker(await history.lastStates());
  const hubs: HubMemory = new Map();
  const emit = (e: MonitorEvent): void => o.onEvent?.(e);
  let last: ScanResult | undefined;
  const lease = o.elect === false ? undefined : new MonitorLease(dep);
  let standing: string | undefined; // the holder last reported, so a standby says it once
  try {
    while (!o.signal?.aborted) {
      const started = Date.now();
      const state = lease ? await lease.ensure(o.signal) : undefined;
      if (state && !state.active) {
        const who = state.holder
          ? `${state.holder.user}@${state.holder.host} pid ${state.holder.pid}`
          : 'another monitor';
        if (who !== standing) {
          emit({ kind: 'standby', holder: who, where: state.where });
          standing = who;
        }
        await sleep(o.intervalMs, o.signal);
        continue;
      }
      if (state && standing !== '') {
        emit({ kind: 'active', where: state.where });
        standing = '';
      }
      if (!(await oneScan())) {
        break;
      }
      await sleep(Math.max(0, o.intervalMs - (Date.now() - started)), o.signal);
    }
  } finally {
    await lease?.release();
    await history.close();
  }
  return { scans: tracker.scans, ...(last ? { last } : {}) };

  /** Scan, record, alert, heal; false when the run should end. */
  async function oneScan(): Promise<boolean> {
    const scan = await scanFleet(dep, m, { signal: o.signal, hubs });
    if (o.signal?.aborted) {
      return false;
    }
    last = scan;
    const changes = tracker.observe(scan);
    emit({ kind: 'scan', scan, changes });
    await history.append([scanRecord(scan), ...changes.map((c) => changeRecord(c, scan.at))]);
    await alertAll(dep, m, changes, scan.at, emit);
    await healAll(dep, m, tracker, scan, history, emit, o.signal);
    return o.scans === undefined || tracker.scans < o.scans;
  }
}

async function healAll(
  dep: Deployment,
  m: MonitorSettings,
  tracker: Tracker,
  scan: ScanResult,
  history: HistoryStore,
  emit: (e: MonitorEvent) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  // One unit at a time: each heal is a rollout under the operator lock.
  for (const [unit, finding] of tracker.critical(scan)) {
    const policy = finding.service ? m.heal[finding.service] : undefined;
    if (!policy || tracker.isUnmonitored(unit) || signal?.aborted) {
      continue;
    }
    if (tracker.recentRestarts(unit, policy.within) >= policy.restarts) {
      const change = tracker.unmonitor(unit, finding, policy.restarts, policy.within);
      const at = new Date().toISOString();
      const heal = {
        unit,
        service: finding.service!,
        host: finding.host,
        outcome: 'unmonitored' as const,
        reason: change.finding.message,
      };
      emit({ kind: 'heal', heal });
      await history.append([changeRecord(change, at), { type: 'heal', at, ...heal }]);
      await alertAll(dep, m, [change], at, emit);
      continue;
    }
    emit({ kind: 'heal-start', unit, host: finding.host });
    const heal = await healUnit(
      dep,
      { id: unit, service: finding.service!, host: finding.host },
      signal,
    );
    if (heal.outcome === 'restarted' || heal.outcome === 'failed') {
      tracker.restarted(unit);
    }
    emit({ kind: 'heal', heal });
    await history.append([{ type: 'heal', at: new Date().toISOString(), ...heal }]);
  }
}

async function alertAll(
  dep: Deployment,
  m: MonitorSettings,
  changes: StateChange[],
  at: string,
  emit: (e: MonitorEvent) => void,
): Promise<void> {
  await Promise.all(
    changes.map(async (c) => {
      const alert = alertOf(dep.name, c, at);
      const { sent, errors } = await sendAlert(dep.inventory, m, alert);
      emit({ kind: 'alert', alert, sent, errors });
    }),
  );
}

function scanRecord(scan: ScanResult): HistoryRecord {
  return {
    type: 'scan',
    at: scan.at,
    worst: scan.worst,
    exitCode: scan.exitCode,
    durationMs: scan.durationMs,
    problems: scan.findings.filter((f) => f.state !== 'ok'),
  };
}

function changeRecord(c: StateChange, at: string): HistoryRecord {
  return {
    type: 'change',
    at,
    key: c.key,
    host: c.finding.host,
    ...(c.finding.unit ? { unit: c.finding.unit } : {}),
    from: c.from ?? null,
    to: c.to,
    message: c.finding.message,
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      return resolve();
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
