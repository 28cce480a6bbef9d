// The runs of a deployment, from their journals: for `salvo runs` and to find the one to resume.
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { UsageError } from '../../errors.js';
import { journalPath, runsDir } from './journal.js';
import { readJournalFile, replay, type Replay } from './replay.js';

/** `damaged`: the journal's run record cannot be read (the run is listed with what its id tells). */
export type ListedState = 'done' | 'failed' | 'interrupted' | 'running' | 'damaged';

export interface RunSummary {
  runId: string;
  op: string;
  target: string;
  hosts?: string;
  startedAt: string;
  state: ListedState;
  unitsFinished: number; // done or failed
  units: number;
  failed: number;
  by: string; // user@host
  /** Units a step had started on and that never finished: possibly left drained or stopped. */
  inFlight?: { unit: string; step: number; name: string; steps: number }[];
  /** What in the journal could not be read (a torn record, …). */
  damage?: string[];
}

/** A run with no end record is running if its process is alive on this machine, else interrupted. */
export function stateOf(r: Replay): ListedState {
  if (r.end) {
    return r.end;
  }
  const { host, pid } = r.lastAttempt;
  return host === hostname() && pidAlive(pid) ? 'running' : 'interrupted';
}

export function summarize(runId: string, r: Replay): RunSummary {
  const finished = [...r.units.values()].filter((u) => u.state !== undefined).length;
  const { request, plan } = r.header;
  const views = new Map(plan.batches.flatMap((b) => b.units).map((u) => [u.id, u]));
  const inFlight = [...r.inFlight].map(([unit, step]) => ({
    unit,
    step,
    name: views.get(unit)?.steps[step]?.name ?? '?',
    steps: views.get(unit)?.steps.length ?? 0,
  }));
  return {
    runId,
    op: request.op,
    target: request.target,
    ...(request.hosts ? { hosts: request.hosts } : {}),
    startedAt: r.header.at,
    state: stateOf(r),
    unitsFinished: finished,
    units: plan.units,
    failed: r.failures.length,
    by: `${r.header.user}@${r.header.host}`,
    ...(inFlight.length && !r.end ? { inFlight } : {}),
    ...(r.damage.length ? { damage: r.damage } : {}),
  };
}

/** A run whose journal cannot be replayed: what its id says (stamp-op-target-tag). */
export function damagedSummary(runId: string, err: unknown): RunSummary {
  const m = /^(\d{8})-(\d{6})-([a-z]+)-(.*)-[0-9a-f]{4}$/.exec(runId);
  const stamp = m
    ? `${m[1]!.slice(0, 4)}-${m[1]!.slice(4, 6)}-${m[1]!.slice(6)}T${m[2]!.slice(0, 2)}:${m[2]!.slice(2, 4)}:${m[2]!.slice(4)}Z`
    : '?';
  return {
    runId,
    op: m?.[3] ?? '?',
    target: m?.[4] ?? '?',
    startedAt: stamp,
    state: 'damaged',
    unitsFinished: 0,
    units: 0,
    failed: 0,
    by: '?',
    damage: [err instanceof Error ? err.message : String(err)],
  };
}

export function runIds(servicesDir: string): string[] {
  try {
    return readdirSync(runsDir(servicesDir), { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.'))
      .map((d) => d.name)
      .sort();
  } catch {
    return [];
  }
}

/** The run's journal replayed; UsageError (exit 2) naming the run if it cannot be. */
export function loadRun(servicesDir: string, runId: string): Replay {
  const path = journalPath(servicesDir, runId);
  let read: ReturnType<typeof readJournalFile>;
  try {
    read = readJournalFile(path);
  } catch (err) {
    throw new UsageError(`run ${runId}: cannot read its journal ${path}: ${errText(err)}`);
  }
  try {
    return replay(read.records, read.damage);
  } catch (err) {
    throw new UsageError(`run ${runId}: ${errText(err)} (${path})`);
  }
}

function errText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code) {
    return code;
  }
  return err instanceof Error ? err.message : String(err);
}

/** Oldest first. A journal that cannot be replayed is listed as damaged, never hidden. */
export function listRuns(
  servicesDir: string,
  onBad?: (runId: string, err: unknown) => void,
): RunSummary[] {
  const out: RunSummary[] = [];
  for (const id of runIds(servicesDir)) {
    try {
      out.push(summarize(id, loadRun(servicesDir, id)));
    } catch (err) {
      onBad?.(id, err);
      out.push(damagedSummary(id, err));
    }
  }
  return out;
}

/** A unit an interrupted run left mid-step: possibly drained in haproxy, or stopped. */
export interface LeftUnit {
  unit: string; // hub#0@cloud2
  runId: string;
  step: number; // 0-based
  name: string; // the step's name (drain, stop, …)
  steps: number;
}

/**
 * Units the newest interrupted run that touched them left mid-step. A later run that finished the
 * unit (done or failed), or a resume that did, clears it; a run still running is not counted.
 */
export function leftBehind(servicesDir: string): LeftUnit[] {
  const left = new Map<string, LeftUnit>();
  for (const runId of runIds(servicesDir)) {
    let r: Replay;
    try {
      r = loadRun(servicesDir, runId);
    } catch {
      continue; // listed as damaged by `salvo runs`
    }
    for (const [unit, progress] of r.units) {
      if (progress.state !== undefined) {
        left.delete(unit);
      }
    }
    const s = summarize(runId, r);
    if (s.state === 'interrupted') {
      for (const u of s.inFlight ?? []) {
        left.set(u.unit, { ...u, runId });
      }
    }
  }
  return [...left.values()];
}

/** `RUN` as typed: a full id, a unique prefix, or `last` (the newest interrupted run). */
export function findRun(servicesDir: string, ref: string): string {
  const ids = runIds(servicesDir);
  if (ref === 'last') {
    const last = listRuns(servicesDir)
      .filter((r) => r.state === 'interrupted')
      .at(-1);
    if (!last) {
      throw new UsageError('no interrupted run to resume (see `salvo runs`)');
    }
    return last.runId;
  }
  const matches = ids.includes(ref) ? [ref] : ids.filter((id) => id.startsWith(ref));
  if (matches.length === 1) {
    return matches[0]!;
  }
  if (!matches.length) {
    throw new UsageError(`no run \`${ref}\` (see \`salvo runs\`)`);
  }
  throw new UsageError(
    `\`${ref}\` matches ${matches.length} runs: ${matches.slice(0, 5).join(', ')}${matches.length > 5 ? ' …' : ''}`,
  );
}

/** Is a process on this machine alive? (EPERM: it is, it just is not ours.) */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
