// The run journal: JSON lines under <services dir>/.salvo/runs/<runId>/journal.jsonl, each record
// fsync'd before the engine moves on, so a run killed at any instant (SIGKILL, power loss on the
// admin machine) can be resumed from what the file says was finished.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FailureKind } from '../transport/types.js';
import type { PlanView } from './plan-view.js';
import type { RolloutRequest, RunState } from './types.js';

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
  | ({ t: 'attempt'; at: string } & Who)
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
    mkdirSync(partial, { recursive: true });
    const fd = openSync(join(partial, 'journal.jsonl'), 'wx', 0o644);
    syncDir(partial);
    renameSync(partial, dirname(path));
    syncDir(runsDir(servicesDir));
    return new Journal(path, fd);
  }

  /** An existing run's journal, to append a resume's records. */
  static append(servicesDir: string, runId: string): Journal {
    const path = journalPath(servicesDir, runId);
    return new Journal(path, openSync(path, 'a'));
  }

  write(record: NewRecord): void {
    if (this.fd === undefined) {
      return;
    }
    writeSync(this.fd, `${JSON.stringify({ ...record, at: new Date().toISOString() })}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
    }
    this.fd = undefined;
  }
}

function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
