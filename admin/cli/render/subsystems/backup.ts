// `salvo backup …` for people: the plan, per-series results folded by outcome, listings,
// freshness, verify reports, restore changes, prune and cron results.
import type {
  BackupEvent,
  CronResult,
  ListResult,
  PruneResult,
  RestoreResult,
  RunResult,
  Series,
  StatusResult,
  VerifyResult,
} from '../../../backup/index.js';
import { foldNodeSet } from '../../../inventory/nodeset.js';

export function renderPlan(series: Series[]): string {
  if (!series.length) {
    return 'backup plan: nothing to back up\n';
  }
  const lines = series.map(
    (s) =>
      `  ${s.id.padEnd(28)} ${s.source} → ${s.target.host}:${s.dir}  ${s.paths.join(' ')}${s.exclude.length ? `  (exclude ${s.exclude.join(' ')})` : ''}${s.bwlimit ? `  bwlimit ${s.bwlimit}` : ''}`,
  );
  const sources = new Set(series.map((s) => s.source));
  return `backup plan: ${series.length} series from ${foldNodeSet(sources)} (${sources.size} sources)\n${lines.join('\n')}\n`;
}

/** Progress on stderr: one line per series as its source reports it. */
export function renderBackupEvent(e: BackupEvent): string {
  switch (e.kind) {
    case 'source-start':
      return `${e.host}: backing up ${e.series.join(', ')}\n`;
    case 'series': {
      const r = e.result;
      return `${r.series}: ${r.status}${r.snapshot ? ` ${r.snapshot}` : ''}${r.message ? ` — ${r.message}` : ''}\n`;
    }
    case 'pruned':
      return `${e.series}: pruned ${e.removed.join(' ')}\n`;
    default:
      return '';
  }
}

export function renderRun(r: RunResult): string {
  if (r.skipped) {
    const k = r.skipped;
    return `backup: skipped, maintenance is on (${k.where}${k.by ? `, by ${k.by}` : ''}${k.since ? ` since ${k.since}` : ''}${k.why ? `: ${k.why}` : ''}); scheduled runs wait for \`salvo maintenance off\`\n`;
  }
  if (r.dryRun) {
    return renderPlan(r.series);
  }
  const out: string[] = [];
  for (const x of r.results) {
    const what =
      x.status === 'ok'
        ? `ok ${x.snapshot} (${x.files} files, ${size(x.bytes ?? 0)}, ${(x.durationMs / 1000).toFixed(1)}s)`
        : `${x.status.toUpperCase()}: ${x.message ?? ''}`;
    out.push(
      `  ${x.series.padEnd(28)} ${what}${x.status === 'ok' && x.message ? ` — ${x.message}` : ''}`,
    );
  }
  const by = (st: string): string[] =>
    r.results.filter((x) => x.status === st).map((x) => x.series);
  const summary = ['ok', 'locked', 'failed', 'unreachable', 'aborted']
    .map((st) => [st, by(st)] as const)
    .filter(([, s]) => s.length)
    .map(([st, s]) => `${st} ${s.length}`)
    .join(', ');
  const pruned = Object.entries(r.pruned).map(([s, names]) => `  ${s}: pruned ${names.join(' ')}`);
  return `${out.join('\n')}\n${pruned.length ? `${pruned.join('\n')}\n` : ''}backup: ${r.results.length} series: ${summary}\n`;
}

export function renderList(l: ListResult, now = Date.now()): string {
  const out: string[] = [];
  for (const s of l.series) {
    const head = `${s.series}  ${s.target}:${s.dir}`;
    if (s.error) {
      out.push(`${head}\n  cannot read: ${s.error}`);
      continue;
    }
    out.push(head);
    if (s.holder) {
      out.push(
        `  LOCKED by ${s.holder.user} on ${s.holder.host} (pid ${s.holder.pid}) since ${s.holder.startedAt}${s.holder.what ? `: ${s.holder.what}` : ''}`,
      );
    }
    if (!s.snapshots.length) {
      out.push('  (no snapshot)');
    }
    for (const snap of [...s.snapshots].reverse()) {
      out.push(
        `  ${snap.name}  ${age(now - Date.parse(snap.time)).padStart(8)} ago  ${String(snap.files ?? '?').padStart(7)} files  ${size(snap.bytes ?? 0).padStart(9)}`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

export function renderStatus(s: StatusResult): string {
  const lines = s.rows.map((r) => {
    const state = r.state.toUpperCase().padEnd(7);
    let detail = 'no snapshot yet';
    if (r.state === 'unknown') {
      detail = r.error ?? '';
    } else if (r.newest) {
      detail = `${r.newest} (${age(r.ageMs!)} ago, max ${age(r.maxAgeMs)})`;
    }
    return `${state} ${r.series.padEnd(28)} ${detail}`;
  });
  const summary = s.stale.length
    ? `backup status: ${s.stale.length} of ${s.rows.length} series not fresh\n`
    : `backup status: all ${s.rows.length} series fresh\n`;
  return `${lines.join('\n')}\n${summary}`;
}

export function renderVerify(v: VerifyResult): string {
  const out: string[] = [];
  for (const r of v.reports) {
    const head = `${r.series} ${r.snapshot ?? ''}`.trim();
    if (r.error) {
      out.push(`FAILED ${head}: ${r.error}`);
      continue;
    }
    out.push(
      `${r.ok ? 'ok    ' : 'FAILED'} ${head}: ${r.files} files${r.ok ? ' match the manifest' : ''}`,
    );
    for (const [label, list] of [
      ['missing', r.missing],
      ['changed', r.changed],
      ['extra', r.extra],
    ] as const) {
      for (const p of list.slice(0, 20)) {
        out.push(`  ${label} ${p}`);
      }
      if (list.length > 20) {
        out.push(`  … and ${list.length - 20} more ${label}`);
      }
    }
  }
  return `${out.join('\n')}\n`;
}

export function renderRestore(r: RestoreResult): string {
  const head = r.applied
    ? `restored ${r.series} ${r.snapshot} (from ${r.from}) to ${r.to}: ${r.changes.length} changes`
    : `restore ${r.series} ${r.snapshot} (from ${r.from}) to ${r.to} would make ${r.changes.length} changes (dry run; --apply to do it)`;
  const shown = r.changes.slice(0, 50).map((c) => `  ${c}`);
  const more = r.changes.length > 50 ? [`  … and ${r.changes.length - 50} more`] : [];
  return `${[...shown, ...more, head].join('\n')}\n`;
}

export function renderPrune(p: PruneResult): string {
  const out = p.reports.map((r) => {
    const gone = p.dryRun ? r.remove : r.removed;
    const verb = p.dryRun ? 'would remove' : 'removed';
    return `${r.series}: keep ${r.keep.length}, ${verb} ${gone.length}${gone.length ? ` (${gone.join(' ')})` : ''}${r.skipped ? ` — skipped: ${r.skipped}` : ''}`;
  });
  return `${out.join('\n')}\n`;
}

export function renderCron(c: CronResult): string {
  const out: string[] = [];
  for (const h of c.hosts) {
    if (h.state === 'shown' && h.text !== undefined) {
      out.push(`== ${h.host}\n${h.text.trimEnd()}`);
    } else {
      out.push(`${h.host}: ${h.state}${h.message ? ` — ${h.message}` : ''}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i ? v.toFixed(1) : v} ${units[i]}`;
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) {
    return `${s}s`;
  }
  if (s < 7200) {
    return `${Math.round(s / 60)}m`;
  }
  if (s < 172800) {
    return `${Math.round(s / 3600)}h`;
  }
  return `${Math.round(s / 86400)}d`;
}
