// The runs of a deployment, from their journals: for `salvo runs` and to find the one to resume.
import { readdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { UsageError } from '../errors.js';
import { journalPath, runsDir } from './journal.js';
import { readJournal, replay, type Replay } from './replay.js';

export type ListedState = 'done' | 'failed' | 'interrupted' | 'running';

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

export function loadRun(servicesDir: string, runId: string): Replay {
  return replay(readJournal(journalPath(servicesDir, runId)));
}

/** Oldest first. A journal that cannot be read is listed by the caller's `onBad`, not hidden. */
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
    }
  }
  return out;
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
