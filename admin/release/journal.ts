// The release journal: JSON lines under <services dir>/.salvo/releases/<runId>.jsonl, each record
// fsync'd before the next step starts, so a release killed at any instant resumes at the first
// step the file does not show as finished.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, extname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { whoAmI, type Who } from '../rollout/journal/journal.js';

export type ReleaseState = 'done' | 'failed' | 'interrupted';

export type ReleaseRecord =
  | ({ t: 'release'; v: 1; runId: string; script: string; sha256: string; at: string } & Who)
  | ({ t: 'attempt'; at: string } & Who)
  | { t: 'step-start'; index: number; name: string; at: string }
  | {
      t: 'step-end';
      index: number;
      name: string;
      ok: boolean;
      error?: string;
      durationMs: number;
      at: string;
    }
  | { t: 'end'; state: ReleaseState; at: string };

type New = ReleaseRecord extends infer R ? (R extends unknown ? Omit<R, 'at'> : never) : never;

export const releasesDir = (servicesDir: string): string => join(servicesDir, '.salvo', 'releases');

/** Sortable and readable: 20250612-101530-lab-release-3f2a. */
export function newReleaseId(script: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const name = basename(script, extname(script)).replace(/[^\w-]/g, '_');
  return `${stamp}-${name}-${randomBytes(2).toString('hex')}`;
}

export class ReleaseJournal {
  private constructor(
    private readonly fd: number,
    readonly runId: string,
  ) {}

  static create(servicesDir: string, runId: string): ReleaseJournal {
    mkdirSync(releasesDir(servicesDir), { recursive: true, mode: 0o700 });
    return new ReleaseJournal(
      openSync(join(releasesDir(servicesDir), `${runId}.jsonl`), 'wx', 0o600),
      runId,
    );
  }

  static append(servicesDir: string, runId: string): ReleaseJournal {
    return new ReleaseJournal(
      openSync(join(releasesDir(servicesDir), `${runId}.jsonl`), 'a'),
      runId,
    );
  }

  write(r: New): void {
    writeSync(this.fd, `${JSON.stringify({ ...r, at: new Date().toISOString() })}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    closeSync(this.fd);
  }
}

export interface PastRelease {
  runId: string;
  header: Extract<ReleaseRecord, { t: 'release' }>;
  /** Steps that ended ok, by index, with their names. */
  done: Map<number, string>;
  /** The state of its last attempt; a journal without an end was interrupted (killed). */
  state: ReleaseState;
}

export function loadRelease(servicesDir: string, runId: string): PastRelease {
  const lines = readFileSync(join(releasesDir(servicesDir), `${runId}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean);
  const records: ReleaseRecord[] = [];
  for (const line of lines) {
    try {
      records.push(JSON.parse(line) as ReleaseRecord);
    } catch {
      // The last line of a killed run may be cut short: what came before it still counts.
    }
  }
  const header = records.find((r) => r.t === 'release');
  if (header?.t !== 'release') {
    throw new UsageError(`release ${runId}: the journal has no header`);
  }
  const done = new Map<number, string>();
  let state: ReleaseState = 'interrupted';
  for (const r of records) {
    if (r.t === 'step-end' && r.ok) {
      done.set(r.index, r.name);
    } else if (r.t === 'attempt') {
      state = 'interrupted';
    } else if (r.t === 'end') {
      state = r.state;
    }
  }
  return { runId, header, done, state };
}

/** A release id, a unique prefix of one, or `last` (the latest that did not finish). */
export function findRelease(servicesDir: string, ref: string): string {
  const dir = releasesDir(servicesDir);
  const ids = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.jsonl'))
        .map((f) => f.slice(0, -'.jsonl'.length))
        .sort()
    : [];
  if (ref === 'last') {
    const open = ids.filter((id) => loadRelease(servicesDir, id).state !== 'done');
    const last = open.at(-1);
    if (!last) {
      throw new UsageError(`no unfinished release under ${dir}`);
    }
    return last;
  }
  const hits = ids.filter((id) => id.startsWith(ref));
  if (hits.length !== 1) {
    throw new UsageError(
      hits.length
        ? `release ${ref} is ambiguous: ${hits.join(', ')}`
        : `no release ${ref} under ${dir}`,
    );
  }
  return hits[0]!;
}

export { whoAmI };
