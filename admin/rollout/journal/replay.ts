// Read a journal back: which units are finished, which failed, where a half-done unit stopped,
// and the run's state. A resume acts on this and nothing else (no cache that can go missing).
import { readFileSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import type { JournalRecord } from './journal.js';
import type { RunState, UnitFailure } from '../types.js';

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
  /** Lines of the journal that could not be read (see readJournalFile); empty when clean. */
  damage: string[];
  /** Units with a step started and the unit not finished: possibly left drained or stopped. */
  inFlight: Map<string, number>;
}

export interface JournalRead {
  records: JournalRecord[];
  /** What could not be read, e.g. `line 7: torn record (25 bytes), skipped`. Empty for a clean journal. */
  damage: string[];
}

/**
 * Parse the lines. Nothing in a journal is fatal to reading it: a torn last record (the process
 * died mid-write) is skipped; so is an unreadable line in the middle (a resume of an older version
 * appended onto a torn record: the record after the tear is still read). What was skipped is told
 * in `damage`. A journal with its run record unreadable replays to an error (`replay`).
 */
export function readJournalFile(path: string): JournalRead {
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  const records: JournalRecord[] = [];
  const damage: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') {
      return;
    }
    const rec = parseRecord(line);
    if (rec) {
      records.push(rec);
      return;
    }
    // A record appended onto a torn one: `{"t":"step-st{"t":"attempt",…}`.
    const at = line.lastIndexOf('{"t":');
    const tail = at > 0 ? parseRecord(line.slice(at)) : undefined;
    const last = i === lines.length - 1;
    damage.push(
      `line ${i + 1}: ${last ? 'torn last record' : 'unreadable record'} (${tail ? at : line.length} bytes) skipped`,
    );
    if (tail) {
      records.push(tail);
    }
  });
  return { records, damage };
}

function parseRecord(line: string): JournalRecord | undefined {
  try {
    const r = JSON.parse(line) as unknown;
    return r && typeof r === 'object' && typeof (r as { t?: unknown }).t === 'string'
      ? (r as JournalRecord)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The readable records (see readJournalFile). */
export function readJournal(path: string): JournalRecord[] {
  return readJournalFile(path).records;
}

export function replay(records: JournalRecord[], damage: string[] = []): Replay {
  const header = records[0];
  if (header?.t !== 'run' || !header.request || !header.plan) {
    throw new UsageError(
      `the journal's run record is unreadable${damage.length ? ` (${damage[0]})` : ''}: what the run was cannot be known; start a new run`,
    );
  }
  const r: Replay = {
    damage,
    inFlight: new Map(),
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
    case 'step-start':
      if (r.units.get(rec.unit)?.state === undefined) {
        r.inFlight.set(rec.unit, rec.step);
      }
      return;
    case 'step-end':
      if (rec.ok) {
        progress(r, rec.unit).okSteps.add(rec.step);
      }
      return;
    case 'unit':
      progress(r, rec.unit).state = rec.state;
      r.inFlight.delete(rec.unit);
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
