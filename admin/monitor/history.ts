// The monitor's history: one JSON line per scan summary, state change and heal, appended to a
// local file (monitor.history in the services file). The last change of each subject is what a
// new monitor starts from, so restarting it (or a one-shot scan) alerts nothing twice.
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Finding, HealRecord, SubjectState } from './types.js';

export type HistoryRecord =
  | {
      type: 'scan';
      at: string;
      worst: string;
      exitCode: number;
      durationMs: number;
      problems: Finding[];
    }
  | {
      type: 'change';
      at: string;
      key: string;
      host: string;
      unit?: string;
      from: SubjectState | null;
      to: SubjectState;
      message: string;
    }
  | ({ type: 'heal'; at: string } & HealRecord);

/** Where the monitor keeps its records: the JSON-lines file, or Cassandra (history-cassandra.ts). */
export interface HistoryStore {
  /** For messages: the file, or the table. */
  readonly where: string;
  append(records: HistoryRecord[]): Promise<void>;
  /** Every record, oldest first (Cassandra: since `sinceMs`, default the last 30 days). */
  read(filter?: { sinceMs?: number }): Promise<HistoryRecord[]>;
  /** Each subject's last recorded state. */
  lastStates(): Promise<Map<string, SubjectState>>;
  close(): Promise<void>;
}

export class History implements HistoryStore {
  constructor(readonly file: string) {}

  get where(): string {
    return this.file;
  }

  async close(): Promise<void> {}

  async append(records: HistoryRecord[]): Promise<void> {
    if (!records.length) {
      return;
    }
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    await appendFile(this.file, records.map((r) => `${JSON.stringify(r)}\n`).join(''), {
      mode: 0o600,
    });
  }

  /** Every record, oldest first; a torn last line (a crash mid-write) is skipped. */
  async read(): Promise<HistoryRecord[]> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        return [];
      }
      throw e;
    }
    return text.split('\n').flatMap((line) => {
      if (!line.trim()) {
        return [];
      }
      try {
        return [JSON.parse(line) as HistoryRecord];
      } catch {
        return [];
      }
    });
  }

  /** Each subject's last recorded state. */
  async lastStates(): Promise<Map<string, SubjectState>> {
    const out = new Map<string, SubjectState>();
    for (const r of await this.read()) {
      if (r.type === 'change') {
        out.set(r.key, r.to);
      }
    }
    return out;
  }
}

/** State changes and heals, optionally of one unit / host / key (a substring) and since a time. */
export function historyQuery(
  records: HistoryRecord[],
  filter: { subject?: string; sinceMs?: number } = {},
): HistoryRecord[] {
  return records.filter((r) => {
    if (r.type === 'scan') {
      return false;
    }
    if (filter.sinceMs !== undefined && Date.parse(r.at) < filter.sinceMs) {
      return false;
    }
    if (filter.subject) {
      const hay =
        r.type === 'change' ? `${r.key} ${r.host} ${r.unit ?? ''}` : `${r.unit} ${r.host}`;
      return hay.includes(filter.subject);
    }
    return true;
  });
}
