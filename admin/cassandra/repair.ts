// Rolling primary-range repair: `nodetool repair -pr [KEYSPACE]` on one node at a time over the
// whole ring, refusing to start while any node is not UN (unless forced), journaled (one JSON
// line per event under .salvo/runs/<run>/repair.jsonl, fsync'd) so `resume` skips the nodes
// already done; per-node duration and timeout; a node slower than k× the median is flagged.
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseNodetoolStatus } from '../probes/nodetool-status.js';
import { CassandraError } from './errors.js';
import { parseRepair } from './nodetool/parse.js';

export interface NodetoolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RepairNode {
  host: string;
  address: string;
  /** Run nodetool on this node with these arguments, within `timeoutMs`. */
  nodetool: (args: string[], timeoutMs: number) => Promise<NodetoolRun>;
}

export interface RepairOptions {
  nodes: RepairNode[];
  runsDir: string;
  keyspace?: string;
  full?: boolean;
  force?: boolean;
  resume?: string; // a run id
  nodeTimeoutMs?: number;
  slowFactor?: number;
  onEvent?: (e: RepairEvent) => void;
}

export type RepairEvent =
  | { kind: 'repair-start'; runId: string; nodes: string[]; skipped: string[] }
  | { kind: 'node-start'; host: string }
  | { kind: 'node-done'; host: string; durationMs: number; slow: boolean }
  | { kind: 'node-failed'; host: string; error: string };

export interface RepairSummary {
  /** Set when a scheduled repair did not run (maintenance is on): why. */
  skipped?: string;
  runId: string;
  journal: string;
  done: { host: string; durationMs: number; slow: boolean }[];
  failed?: { host: string; error: string };
  remaining: string[];
}

export function repairJournal(runsDir: string, runId: string): string {
  return join(runsDir, runId, 'repair.jsonl');
}

function append(file: string, record: object): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ ...record, at: new Date().toISOString() })}\n`);
  const fd = openSync(file, 'r');
  fsyncSync(fd);
  closeSync(fd);
}

/** The nodes a journal records as done. */
export function doneInJournal(file: string): Set<string> {
  const done = new Set<string>();
  for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line) as { t: string; host?: string };
    if (r.t === 'node-done' && r.host) {
      done.add(r.host);
    }
  }
  return done;
}

/** Every node must see every node UN (from its own `nodetool status`). */
export async function checkRingUp(nodes: RepairNode[]): Promise<string[]> {
  const problems: string[] = [];
  await Promise.all(
    nodes.map(async (n) => {
      const r = await n
        .nodetool(['status'], 30_000)
        .catch((e: Error) => ({ code: 1, stdout: '', stderr: e.message }));
      const s = parseNodetoolStatus(r.stdout);
      if (r.code !== 0 || !s.ok) {
        problems.push(
          `${n.host}: nodetool status failed: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? ''}`,
        );
        return;
      }
      for (const row of s.rows) {
        if (`${row.status}${row.state}` !== 'UN') {
          problems.push(`${n.host} sees ${row.address} ${row.status}${row.state}`);
        }
      }
    }),
  );
  return [...new Set(problems)].sort();
}

export async function rollingRepair(o: RepairOptions): Promise<RepairSummary> {
  const runId =
    o.resume ??
    `${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-repair-${Math.random().toString(16).slice(2, 6)}`;
  const journal = repairJournal(o.runsDir, runId);
  const already = o.resume ? doneInJournal(journal) : new Set<string>();
  if (!o.force) {
    const problems = await checkRingUp(o.nodes);
    if (problems.length) {
      throw new CassandraError(
        'refused',
        `repair refused: not every node is UN (--force to repair anyway):\n  ${problems.join('\n  ')}`,
      );
    }
  }
  const todo = o.nodes.filter((n) => !already.has(n.host));
  if (!o.resume) {
    append(journal, {
      t: 'run',
      runId,
      keyspace: o.keyspace ?? null,
      full: !!o.full,
      nodes: o.nodes.map((n) => n.host),
    });
  } else {
    append(journal, { t: 'attempt' });
  }
  o.onEvent?.({
    kind: 'repair-start',
    runId,
    nodes: todo.map((n) => n.host),
    skipped: [...already],
  });
  const done: RepairSummary['done'] = [];
  const durations: number[] = [];
  const args = ['repair', '-pr', ...(o.full ? ['-full'] : []), ...(o.keyspace ? [o.keyspace] : [])];
  for (const [i, n] of todo.entries()) {
    o.onEvent?.({ kind: 'node-start', host: n.host });
    append(journal, { t: 'node-start', host: n.host });
    const t0 = Date.now();
    let error: string | undefined;
    try {
      const r = await n.nodetool(args, o.nodeTimeoutMs ?? 6 * 3600_000);
      const parsed = parseRepair(r.stdout, r.stderr);
      if (r.code !== 0 || !parsed.ok) {
        error =
          parsed.error ??
          (r.code === 124 || r.code === null ? 'timed out' : `nodetool exit ${r.code}`);
      }
    } catch (e) {
      error = (e as Error).message;
    }
    const durationMs = Date.now() - t0;
    if (error !== undefined) {
      append(journal, { t: 'node-failed', host: n.host, error, durationMs });
      o.onEvent?.({ kind: 'node-failed', host: n.host, error });
      return {
        runId,
        journal,
        done,
        failed: { host: n.host, error },
        remaining: todo.slice(i).map((x) => x.host),
      };
    }
    durations.push(durationMs);
    const sorted = [...durations].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const slow = durations.length >= 3 && durationMs > (o.slowFactor ?? 3) * median;
    append(journal, { t: 'node-done', host: n.host, durationMs, slow });
    o.onEvent?.({ kind: 'node-done', host: n.host, durationMs, slow });
    done.push({ host: n.host, durationMs, slow });
  }
  append(journal, { t: 'end', state: 'done' });
  return { runId, journal, done, remaining: [] };
}
