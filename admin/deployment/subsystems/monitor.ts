// `dep.monitor.*`: the fleet monitor (admin/monitor/) as methods of a Deployment: one scan, the
// scan–alert–heal loop, the history, the maintenance switch. The monitor code is loaded on first use.
import { join } from 'node:path';
import type { MonitorSettings } from '../../inventory/types.js';
import type {
  HistoryRecord,
  MaintenanceState,
  MonitorEvent,
  RunSummary,
  ScanResult,
} from '../../monitor/index.js';
import { currentSignal } from '../cancel.js';
import type { CallOptions, Deployment } from '../deployment.js';
import { durationMs } from '../duration.js';
import { registerSubsystem } from '../subsystems.js';

export interface MonitorRunOptions extends CallOptions {
  /** Between scans (ms or `'60s'`; default the services file's monitor.interval). */
  interval?: number | string;
  /** Stop after this many scans (default: until cancelled). */
  scans?: number;
}

export class MonitorApi {
  constructor(private readonly dep: Deployment) {}

  /** The monitor section of the services file, or the defaults when it has none. */
  get settings(): MonitorSettings {
    const inv = this.dep.inventory;
    return (
      inv.monitor ?? {
        intervalMs: 60_000,
        liveness: [...inv.services.keys()],
        progress: {},
        resources: {
          hosts: [...inv.hosts.keys()],
          load: { warning: 2, critical: 4 },
          disk: { warning: 85, critical: 95 },
          inodes: { warning: 85, critical: 95 },
          memory: { warning: 90, critical: 97 },
          clock: { warning: 2, critical: 10 },
        },
        mesh: false,
        heal: {},
        alerts: {},
        history: join(inv.dir, '.salvo', 'monitor', `${inv.deployment}.jsonl`),
      }
    );
  }

  /** One scan of the whole fleet: every finding, the worst state and its exit code. Changes nothing. */
  async scan(options: CallOptions = {}): Promise<ScanResult> {
    const { scanFleet } = await import('../../monitor/index.js');
    return scanFleet(this.dep, this.settings, { signal: currentSignal(options.signal) });
  }

  /** Scan every interval, alert each state change once, heal; until cancelled or `scans` done. */
  async run(options: MonitorRunOptions = {}): Promise<RunSummary> {
    const { runMonitor } = await import('../../monitor/index.js');
    const m = this.settings;
    const onEvent = this.dep.listenerFor('monitor', options);
    return runMonitor(this.dep, m, {
      intervalMs: durationMs(options.interval, 'interval') ?? m.intervalMs,
      ...(options.scans !== undefined ? { scans: options.scans } : {}),
      signal: currentSignal(options.signal),
      onEvent,
    });
  }

  /** State changes and heals, oldest first; of one unit, host or key (a substring), since a time. */
  async history(
    options: { subject?: string; since?: number | string | Date } = {},
  ): Promise<HistoryRecord[]> {
    const { openHistory, historyQuery } = await import('../../monitor/index.js');
    const since = sinceMs(options.since);
    const store = await openHistory(this.dep, this.settings);
    let records: HistoryRecord[];
    try {
      records = await store.read(since !== undefined ? { sinceMs: since } : {});
    } finally {
      await store.close();
    }
    return historyQuery(records, {
      ...(options.subject ? { subject: options.subject } : {}),
      ...(since !== undefined ? { sinceMs: since } : {}),
    });
  }

  /** Is the maintenance switch on (no healing)? */
  async maintenance(options: CallOptions = {}): Promise<MaintenanceState> {
    const { maintenanceStatus } = await import('../../monitor/index.js');
    return maintenanceStatus(this.dep, currentSignal(options.signal));
  }

  /** Turn the maintenance switch on (the monitor stops healing) or off. */
  async setMaintenance(
    on: boolean,
    options: CallOptions & { reason?: string } = {},
  ): Promise<MaintenanceState> {
    const { setMaintenance } = await import('../../monitor/index.js');
    return setMaintenance(this.dep, on, options.reason, currentSignal(options.signal));
  }
}

/** `'1h'` ago, an ISO time, a Date, or ms since the epoch. */
function sinceMs(since: number | string | Date | undefined): number | undefined {
  if (since === undefined) {
    return undefined;
  }
  if (since instanceof Date) {
    return since.getTime();
  }
  if (typeof since === 'number') {
    return since;
  }
  const iso = Date.parse(since);
  if (!Number.isNaN(iso) && /\d{4}-\d{2}/.test(since)) {
    return iso;
  }
  return Date.now() - (durationMs(since, 'since') ?? 0);
}

declare module '../subsystems.js' {
  interface Subsystems {
    /** The fleet monitor: scan, run, history, maintenance. */
    readonly monitor: MonitorApi;
  }
}

declare module '../events.js' {
  interface DeploymentEventMap {
    monitor: MonitorEvent;
  }
}

registerSubsystem(
  'monitor',
  'the fleet monitor: scan run history maintenance setMaintenance',
  (dep) => new MonitorApi(dep),
);
