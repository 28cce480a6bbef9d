// Read a journal back: which units are finished, which failed, where a half-done unit stopped,
// and the run's state. A resume acts on this and nothing else (no cache that can go missing).
import { readFileSync } from 'node:fs';
import type { JournalRecord } from './journal.js';
import type { RunState, UnitFailure } from './types.js';

type RunRecord = Extract<JournalRecord, { t: 'run' }>;

export interface UnitProgress {
  okSteps: Set<number>;
  state?: 'done' | 'failed';
}

export interface Replay {
  header: RunRecord;
  units: Map<string, UnitProgress>;
  failures: UnitFailure[];
  budgetExceeded: boolean;
  /** Set by an `end` record after the last attempt; undefined: the process died (or runs) mid-run. */
  end?: RunState;
  lastAttempt: { user: string; host: string; pid: number; at: string };
}

/** Parse the lines; a torn last line (the process died mid-write) is dropped, not fatal. */
export function readJournal(path: string): JournalRecord[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  const records: JournalRecord[] = [];
  lines.forEach((line, i) => {
    try {
      records.push(JSON.parse(line) as JournalRecord);
    } catch (err) {
      if (i !== lines.length - 1) {
        throw new Error(`${path}:${i + 1}: unreadable journal record`, { cause: err });
      }
    }
  });
  return records;
}

export function replay(records: JournalRecord[]): Replay {
  const header = records[0];
  if (header?.t !== 'run') {
    throw new Error('journal does not start with its run record');
  }
  const r: Replay = {
    header,
    units: new Map(),
    failures: [],
    budgetExceeded: false,
    lastAttempt: { user: header.user, host: header.host, pid: header.pid, at: header.at },
  };
  for (const rec of records.slice(1)) {
    apply(r, rec);
  }
  return r;
}

function progress(r: Replay, unit: string): UnitProgress {
  let p = r.units.get(unit);
  if (!p) {
    p = { okSteps: new Set() };
    r.units.set(unit, p);
  }
  return p;
}

function apply(r: Replay, rec: JournalRecord): void {
  switch (rec.t) {
    case 'attempt':
      r.lastAttempt = { user: rec.user, host: rec.host, pid: rec.pid, at: rec.at };
      r.end = undefined;
      return;
    case 'step-end':
      if (rec.ok) {
        progress(r, rec.unit).okSteps.add(rec.step);
      }
      return;
    case 'unit':
      progress(r, rec.unit).state = rec.state;
      if (rec.state === 'failed') {
        r.failures.push({
          unit: rec.unit,
          host: rec.host ?? '',
          reason: rec.reason ?? 'failed',
          unreachable: rec.unreachable ?? false,
          ...(rec.logTail ? { logTail: rec.logTail } : {}),
        });
      }
      return;
    case 'budget-exceeded':
      r.budgetExceeded = true;
      return;
    case 'end':
      r.end = rec.state;
      return;
    default:
      return;
  }
}

/** The first step not journaled as finished: where a half-done unit picks up on resume. */
export function firstUnfinished(p: UnitProgress | undefined): number {
  let i = 0;
  while (p?.okSteps.has(i)) {
    i++;
  }
  return i;
}
