// `dep.backup.*`: distributed rsync backups (admin/backup/) as methods of a Deployment. Backups
// lock per series on their targets, not the deployment: a rollout and a backup may run together.
import type { Deployment, CallOptions } from '../deployment.js';
import type {
  CronResult,
  ListResult,
  PruneResult,
  RestoreResult,
  RunResult,
  StatusResult,
  VerifyResult,
} from '../../backup/index.js';
import { UsageError } from '../../errors.js';
import { currentSignal } from '../cancel.js';
import { durationMs } from '../duration.js';
import type { Target } from '../node-set.js';
import { registerSubsystem } from '../subsystems.js';

export interface BackupSelect extends CallOptions {
  /** Only this set of the rules. */
  set?: string;
  /** Only series whose source is one of these hosts. */
  hosts?: Target;
  /** Only this series: `SET/SOURCE` (every copy) or `SET/SOURCE@TARGET`. */
  series?: string;
}

export interface BackupRunOptions extends BackupSelect {
  /** Print the plan; contact no host. */
  dryRun?: boolean;
  /** A locked series: wait up to this long (ms or '10m') instead of reporting it locked. */
  waitLock?: number | string;
  /** Source nodes in flight at once (default 8). */
  concurrency?: number;
  /** Prune the series that got a new snapshot (default true). */
  prune?: boolean;
  /**
   * A scheduled run (cron on the admin host): skipped, contacting no source, while the
   * maintenance switch is on (`salvo maintenance on`); `skipped` says so (exit code 6).
   */
  scheduled?: boolean;
}

export class BackupApi {
  constructor(private readonly dep: Deployment) {}

  /** Each source node pushes its series to its targets: new dated snapshots, published atomically. */
  async run(options: BackupRunOptions = {}): Promise<RunResult> {
    const { b, ctx, series } = await this.prepare(options);
    const waitMs = durationMs(options.waitLock, 'waitLock');
    if (options.scheduled) {
      // A lock host that cannot be asked does not stop backups (as in the cron script).
      const m = await this.dep.monitor.maintenance().catch(() => undefined);
      if (m?.on) {
        return {
          dryRun: !!options.dryRun,
          series,
          results: [],
          pruned: {},
          skipped: {
            reason: 'maintenance',
            where: m.where,
            ...(m.by ? { by: m.by } : {}),
            ...(m.since ? { since: m.since } : {}),
            ...(m.reason ? { why: m.reason } : {}),
          },
        };
      }
    }
    return b.runBackup(ctx, series, {
      dryRun: !!options.dryRun || this.dep.dryRun,
      ...(waitMs !== undefined ? { waitLockS: waitMs / 1000 } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      ...(options.prune !== undefined ? { prune: options.prune } : {}),
    });
  }

  /** Series, their snapshots (age, size, files) and current lock holders. */
  async list(options: BackupSelect = {}): Promise<ListResult> {
    const { b, ctx, series } = await this.prepare(options);
    return b.listSeries(ctx, series);
  }

  /** Freshness of each series against its max_age; `stale` lists the ones that are not fresh. */
  async status(options: BackupSelect & { now?: number } = {}): Promise<StatusResult> {
    const { b, ctx, series } = await this.prepare(options);
    return b.seriesStatus(await b.listSeries(ctx, series), options.now);
  }

  /** Re-hash a snapshot (default each series' latest) against its manifest. */
  async verify(options: BackupSelect & { snapshot?: string } = {}): Promise<VerifyResult> {
    const { b, ctx, series } = await this.prepare(options);
    return b.verifySeries(ctx, series, options.snapshot);
  }

  /** Copy a snapshot's tree to HOST:PATH; a dry run (what would change) unless `apply`. */
  async restore(
    series: string,
    options: CallOptions & {
      to: string;
      snapshot?: string;
      apply?: boolean;
      from?: string;
      delete?: boolean;
    },
  ): Promise<RestoreResult> {
    const {
      b,
      ctx,
      series: copies,
    } = await this.prepare({ ...options, series: series.split('@')[0]! });
    const from = options.from ?? series.split('@')[1];
    return b.restoreSeries(ctx, copies, {
      to: options.to,
      ...(options.snapshot !== undefined ? { snapshot: options.snapshot } : {}),
      ...(options.apply !== undefined ? { apply: options.apply } : {}),
      ...(from !== undefined ? { from } : {}),
      ...(options.delete !== undefined ? { delete: options.delete } : {}),
    });
  }

  /** Apply retention (never the newest complete snapshot, never one being restored). */
  async prune(options: BackupSelect & { dryRun?: boolean } = {}): Promise<PruneResult> {
    const { b, ctx, series } = await this.prepare(options);
    return b.pruneSeries(ctx, series, { dryRun: !!options.dryRun || this.dep.dryRun });
  }

  /** Install, remove or show the cron file (and backup script) on each source node. */
  async cron(
    action: 'install' | 'remove' | 'show',
    options: BackupSelect & { dryRun?: boolean } = {},
  ): Promise<CronResult> {
    if (!['install', 'remove', 'show'].includes(action)) {
      throw new UsageError(`backup cron: expected install, remove or show, got "${action}"`);
    }
    const { b, ctx, series } = await this.prepare({
      ...options,
      set: undefined,
      series: undefined,
    });
    return b.cronAction(ctx, action, series, { dryRun: !!options.dryRun || this.dep.dryRun });
  }

  private async prepare(o: BackupSelect) {
    const b = await import('../../backup/index.js');
    const signal = currentSignal(o.signal);
    const onEvent = this.dep.listenerFor('backup', o);
    const ctx = await b.backupContext(this.dep, {
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
    });
    const sources = o.hosts === undefined ? undefined : this.dep.nodes(o.hosts);
    const series = b.planSeries(this.dep.inventory, ctx.rules, {
      ...(o.set !== undefined ? { set: o.set } : {}),
      ...(sources ? { sources } : {}),
      ...(o.series !== undefined ? { series: o.series } : {}),
    });
    return { b, ctx, series };
  }
}

declare module '../subsystems.js' {
  interface Subsystems {
    /** Distributed rsync backups: run, list, status, verify, restore, prune, cron. */
    readonly backup: BackupApi;
  }
}

registerSubsystem(
  'backup',
  'distributed rsync backups: run list status verify restore prune cron',
  (dep) => new BackupApi(dep),
);
