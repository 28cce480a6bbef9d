// The run journal: JSON lines under <services dir>/.salvo/runs/<runId>/journal.jsonl, each record
// fsync'd before the engine moves on, so a run killed at any instant (SIGKILL, power loss on the
// admin machine) can be resumed from what the file says was finished.
import {
  closeSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../errors.js';
import type { FailureKind } from '../../transport/types.js';
import type { PlanView } from '../plan/plan-view.js';
import type { RolloutRequest, RunState } from '../types.js';

export interface Who {
  user: string;
  host: string;
  pid: number;
}

export type JournalRecord =
  | ({
      t: 'run';
      v: 1;
      runId: string;
      deployment: string;
      servicesFile: string;
      request: RolloutRequest;
      plan: PlanView;
      at: string;
    } & Who)
  | ({ t: 'attempt'; at: string; trimmedBytes?: number } & Who)
  | { t: 'step-start'; unit: string; step: number; at: string }
  | {
      t: 'step-end';
      unit: string;
      step: number;
      ok: boolean;
      exitCode: number | null;
      failure?: FailureKind;
      durationMs: number;
      at: string;
    }
  | {
      t: 'unit';
      unit: string;
      state: 'done' | 'failed';
      reason?: string;
      unreachable?: boolean;
      logTail?: string;
      host?: string;
      at: string;
    }
  | { t: 'budget-exceeded'; failures: number; budget: number; at: string }
  | { t: 'end'; state: RunState; at: string };

/** Records without their timestamp: the journal stamps them. */
export type NewRecord = JournalRecord extends infer R
  ? R extends unknown
    ? Omit<R, 'at'>
    : never
  : never;

export const runsDir = (servicesDir: string): string => join(servicesDir, '.salvo', 'runs');
export const journalPath = (servicesDir: string, runId: string): string =>
  join(runsDir(servicesDir), runId, 'journal.jsonl');

/**
 * Before a run touches any host: the runs directory exists (or is made, 0700) and a journal can be
 * written in it. UsageError (exit 2) naming the path and the cause otherwise: a `.salvo` that is a
 * file, a read-only services directory, a full disk.
 */
export function checkRunsDir(servicesDir: string): void {
  const dir = runsDir(servicesDir);
  const probe = join(dir, `.probe-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    // One level at a time: a recursive mkdir reports a read-only file system as ENOENT.
    for (const d of [join(servicesDir, '.salvo'), dir]) {
      try {
        mkdirSync(d, { mode: 0o700 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw err;
        }
      }
    }
    const fd = openSync(probe, 'wx', 0o600);
    closeSync(fd);
    unlinkSync(probe);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const blocker = [join(servicesDir, '.salvo'), dir].find((p) => {
      try {
        return !statSync(p).isDirectory();
      } catch {
        return false;
      }
    });
    const why = blocker
      ? `${blocker} is in the way (not a directory)`
      : `${e.path ?? dir}: ${e.code ?? e.message}`;
    throw new UsageError(
      `cannot write the run journal under ${dir}: ${why}; no host was touched (the journal is what makes a run resumable)`,
    );
  }
}

/** Who runs this process: the operator's name (through sudo too), this machine, this pid. */
export function whoAmI(): Who {
  const user = process.env.SUDO_USER ?? process.env.USER ?? userInfo().username;
  return { user, host: hostname(), pid: process.pid };
}

/** Sortable and readable: 20250612-101530-restart-hub-3f2a. */
export function newRunId(op: string, target: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${op}-${target.replace(/[^\w-]/g, '_')}-${randomBytes(2).toString('hex')}`;
}

export class Journal {
  private constructor(
    readonly path: string,
    private fd: number | undefined,
  ) {}

  /**
   * A new run's journal. The run directory is built under a dot-name and renamed into place, so a
   * run directory never exists without its journal (`salvo runs` and resume can trust it); the
   * directory entries are fsync'd too, or a crash could lose the file.
   */
  static create(servicesDir: string, runId: string): Journal {
    const path = journalPath(servicesDir, runId);
    const partial = join(runsDir(servicesDir), `.${runId}.partial`);
    mkdirSync(partial, { recursive: true, mode: 0o700 });
    const fd = openSync(join(partial, 'journal.jsonl'), 'wx', 0o600);
    fchmodSync(fd, 0o600); // exactly, whatever the umask
    syncDir(partial);
    renameSync(partial, dirname(path));
    syncDir(runsDir(servicesDir));
    return new Journal(path, fd);
  }

  /**
   * An existing run's journal, to append a resume's records. Appends start on a record boundary:
   * a torn last record (the writer died mid-write: no newline after it) is cut off first, and
   * `trimmedBytes` says how much was cut (the resume's attempt record keeps that number).
   */
  static append(servicesDir: string, runId: string): Journal {
    const path = journalPath(servicesDir, runId);
    const fd = openSync(path, 'r+');
    try {
      fchmodSync(fd, 0o600); // journals of older versions were 0644
      const trimmed = trimTornTail(fd);
      const j = new Journal(path, fd);
      j.trimmedBytes = trimmed;
      return j;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Bytes of a torn last record cut off by `append` (0: the journal ended on a record boundary). */
  trimmedBytes = 0;

  write(record: NewRecord): void {
    if (this.fd === undefined) {
      return;
    }
    const line = Buffer.from(`${JSON.stringify({ ...record, at: new Date().toISOString() })}\n`);
    const end = fstatSync(this.fd).size;
    for (let off = 0; off < line.length; ) {
      off += writeSync(this.fd, line, off, line.length - off, end + off);
    }
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
    }
    this.fd = undefined;
  }
}

/**
 * Cut a torn last record: everything after the last newline. A file with no newline at all has
 * lost its run record, which no resume can do without.
 */
function trimTornTail(fd: number): number {
  const size = fstatSync(fd).size;
  const chunk = Buffer.alloc(Math.min(size, 64 * 1024));
  let end = size;
  while (end > 0) {
    const from = Math.max(0, end - chunk.length);
    const n = readSync(fd, chunk, 0, end - from, from);
    const nl = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (nl >= 0) {
      const keep = from + nl + 1;
      if (keep < size) {
        ftruncateSync(fd, keep);
        fsyncSync(fd);
      }
      return size - keep;
    }
    end = from;
  }
  throw new UsageError('the journal has no complete record (its run record is torn)');
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
