// `backup run`: every source node pushes its own series, sources in parallel through a bounded
// window, each series locked on its target for the whole transfer (remote/receive.ts). The admin
// machine only starts each source's script and folds the results; the nodes talk to each other.
import pLimit from 'p-limit';
import { cmd, withInlineInput } from '../transport/command.js';
import { runOn, unreachable, whyFailed, type BackupContext } from './context.js';
import { authorizeKeys } from './keys.js';
import { bySource, maintenanceSwitch } from './plan.js';
import { pruneSeries } from './prune.js';
import {
  KNOWN_HOSTS_FILE,
  parseScriptPubkey,
  parseScriptResults,
  parseScriptSnapshots,
  sourceScript,
  type ScriptResult,
} from './remote/source.js';
import type { RunResult, Series, SeriesHolder, SeriesResult } from './types.js';

export interface RunBackupOptions {
  /** Plan only: contact no host. */
  dryRun?: boolean;
  /** Wait this long (s) for a locked series; default 0: report it locked at once. */
  waitLockS?: number;
  /** Sources in flight at once (default 8). */
  concurrency?: number;
  /** Prune each series that got a new snapshot (default true). */
  prune?: boolean;
}

export async function runBackup(
  ctx: BackupContext,
  series: Series[],
  o: RunBackupOptions = {},
): Promise<RunResult> {
  ctx.onEvent?.({ kind: 'plan', series, dryRun: !!o.dryRun });
  if (o.dryRun) {
    return { dryRun: true, series, results: [], pruned: {} };
  }
  const limit = pLimit(Math.max(1, o.concurrency ?? 8));
  const listings = new Map<string, { snapshots: string[]; latest: string }>();
  const results = (
    await Promise.all(
      [...bySource(series)].map(([host, ss]) =>
        limit(() => runSource(ctx, host, ss, o.waitLockS ?? 0, listings)),
      ),
    )
  ).flat();
  const pruned: Record<string, string[]> = {};
  if (o.prune !== false) {
    const fresh = series.filter((s) => results.some((r) => r.series === s.id && r.status === 'ok'));
    const reports = await pruneSeries(ctx, fresh, { dryRun: false, listings });
    for (const r of reports.reports) {
      if (r.removed.length) {
        pruned[r.series] = r.removed;
      }
    }
  }
  return { dryRun: false, series, results, pruned };
}

/**
 * One source node's series, in one SSH exec: its script makes the node's key if missing and
 * installs its targets' host keys (--setup, from stdin), then pushes. Keys are authorized on a
 * target only when it refuses the node's key (the first run, a new target, a new key): then
 * those series go again. A run whose keys are in place costs no extra round trip for them.
 */
async function runSource(
  ctx: BackupContext,
  host: string,
  series: Series[],
  waitLockS: number,
  listings: Map<string, { snapshots: string[]; latest: string }>,
): Promise<SeriesResult[]> {
  const done: SeriesResult[] = [];
  const report = (r: SeriesResult): void => {
    done.push(r);
    ctx.onEvent?.({ kind: 'series', result: r });
  };
  const maintenance = maintenanceSwitch(ctx.dep.inventory, ctx.rules);
  // The host keys of its targets, and of the lock host its scheduled runs ask (as cron install).
  const peers = [
    ...new Set([
      ...series.map((s) => s.target.host),
      ...(maintenance && maintenance.host !== host ? [maintenance.host] : []),
    ]),
  ];
  const { knownHosts } = await ctx.dep.sshClientFiles(KNOWN_HOSTS_FILE, peers);
  ctx.onEvent?.({ kind: 'source-start', host, series: series.map((s) => s.id) });
  let todo = series;
  for (let attempt = 0; todo.length; attempt++) {
    const started = Date.now();
    const script = sourceScript(todo, {
      deployment: ctx.dep.name,
      host,
      logMaxBytes: ctx.rules.cron.logMaxBytes,
      maintenance,
    });
    const run = cmd('sh', '-c', script, 'salvo-backup', '--setup', '--wait', Math.ceil(waitLockS));
    // The host keys inside the command text when they fit: it can then take the warm session.
    const inline = withInlineInput(run, knownHosts);
    const r = await runOn(ctx, host, inline ?? run, inline ? {} : { stdin: knownHosts });
    const parsed = new Map(parseScriptResults(r.stdout).map((p) => [p.id, p]));
    for (const [id, l] of parseScriptSnapshots(r.stdout)) {
      listings.set(id, l);
    }
    const pub = parseScriptPubkey(r.stdout);
    const refused = todo.filter((s) => parsed.get(s.id)?.status === 'unauthorized');
    const handled = new Set<Series>();
    const retry: Series[] = [];
    if (attempt === 0 && pub && refused.length) {
      const wanted = [...new Set(refused.map((s) => s.target.host))];
      ctx.onEvent?.({ kind: 'keys', sources: [host], targets: wanted });
      const problems = await authorizeKeys(ctx, new Map(wanted.map((t) => [t, [pub]])));
      for (const s of refused) {
        const why = problems.get(s.target.host);
        if (why) {
          report(failure(s, `${s.target.host}: ${why}`, 'unreachable'));
        } else {
          retry.push(s);
        }
        handled.add(s);
      }
    }
    for (const s of todo.filter((x) => !handled.has(x))) {
      const p = parsed.get(s.id);
      if (p) {
        report(fromScript(s, p));
      } else if (ctx.signal?.aborted || r.failure?.kind === 'aborted') {
        report({
          ...failure(s, 'interrupted; nothing published', 'aborted'),
          durationMs: Date.now() - started,
        });
      } else {
        report({
          ...failure(s, `${host}: ${whyFailed(r)}`, unreachable(r) ? 'unreachable' : 'failed'),
          durationMs: Date.now() - started,
        });
      }
    }
    todo = retry;
  }
  return done;
}

function failure(s: Series, message: string, status: SeriesResult['status']): SeriesResult {
  return { series: s.id, source: s.source, target: s.target.host, status, durationMs: 0, message };
}

function fromScript(s: Series, p: ScriptResult): SeriesResult {
  const base = {
    series: s.id,
    source: s.source,
    target: s.target.host,
    durationMs: p.durationMs,
  };
  if (p.status === 'ok') {
    const [snapshot, files, bytes, ...warn] = p.detail.split(' ');
    return {
      ...base,
      status: 'ok',
      snapshot: snapshot!,
      files: Number(files),
      bytes: Number(bytes),
      ...(warn.length ? { message: warn.join(' ') } : {}),
    };
  }
  if (p.status === 'unreachable') {
    return { ...base, status: 'unreachable', message: p.detail };
  }
  if (p.status === 'locked') {
    const holder = parseHolder(p.detail);
    return {
      ...base,
      status: 'locked',
      message: holder ? describeHolder(holder) : 'locked (the holder could not be read)',
      ...(holder ? { holder } : {}),
    };
  }
  return { ...base, status: 'failed', message: p.detail };
}

export function parseHolder(text: string): SeriesHolder | undefined {
  try {
    const h = JSON.parse(text) as Partial<SeriesHolder>;
    if (
      typeof h.host !== 'string' ||
      typeof h.pid !== 'number' ||
      typeof h.startedAt !== 'string'
    ) {
      return undefined;
    }
    return {
      host: h.host,
      pid: h.pid,
      user: typeof h.user === 'string' ? h.user : '?',
      startedAt: h.startedAt,
      ...(typeof h.what === 'string' ? { what: h.what } : {}),
    };
  } catch {
    return undefined;
  }
}

/** `locked by root on cloud1 (pid 4242) since 2026-12-02T13:30:04Z (12s ago): backup srv/cloud1@cloud2` */
export function describeHolder(h: SeriesHolder, now = Date.now()): string {
  const age = Math.max(0, Math.round((now - Date.parse(h.startedAt)) / 1000));
  return `locked by ${h.user} on ${h.host} (pid ${h.pid}) since ${h.startedAt} (${age}s ago)${h.what ? `: ${h.what}` : ''}`;
}
