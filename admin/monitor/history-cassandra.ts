// The monitor's history in Cassandra (`monitor.history: { cassandra: {…} }`): two tables in the
// app's keyspace, written through the product's client (admin/cassandra/). monitor_history keeps
// every record (scan, change, heal) as JSON, one partition per deployment and UTC day;
// monitor_state keeps each subject's last state, so a new monitor on any admin host starts from
// it. A write Cassandra refuses (the ring is what may be down) goes to the local JSON-lines file
// instead, never lost and never fatal; reading merges both.
import type { CassandraClient } from '../cassandra/index.js';
import type { Deployment } from '../deployment/deployment.js';
import type { MonitorSettings } from '../inventory/types.js';
import { History, type HistoryRecord, type HistoryStore } from './history.js';
import type { SubjectState } from './types.js';

const IDENT = /^[a-z_][a-z0-9_]*$/;
/** How far back `read()` looks without a `since` (one query per day). */
const DEFAULT_DAYS = 30;

export class CassandraHistory implements HistoryStore {
  private ready: Promise<void> | undefined;
  private readonly fallback: History;
  /** The last write that went to the local file instead, and why. */
  lastError: string | undefined;

  constructor(
    private readonly client: CassandraClient,
    readonly keyspace: string,
    readonly deployment: string,
    fallbackFile: string,
  ) {
    if (!IDENT.test(keyspace)) {
      throw new Error(`monitor history: bad keyspace name ${JSON.stringify(keyspace)}`);
    }
    this.fallback = new History(fallbackFile);
  }

  get where(): string {
    return `cassandra ${this.keyspace}.monitor_history (fallback ${this.fallback.file})`;
  }

  private tables(): Promise<void> {
    this.ready ??= (async () => {
      await this.client.execute(
        `CREATE TABLE IF NOT EXISTS ${this.keyspace}.monitor_history (deployment text, day text, at timestamp, id text, type text, record text, PRIMARY KEY ((deployment, day), at, id))`,
        [],
        { idempotent: true },
      );
      await this.client.execute(
        `CREATE TABLE IF NOT EXISTS ${this.keyspace}.monitor_state (deployment text, key text, state text, at timestamp, PRIMARY KEY (deployment, key))`,
        [],
        { idempotent: true },
      );
    })().catch((e: unknown) => {
      this.ready = undefined;
      throw e;
    });
    return this.ready;
  }

  async append(records: HistoryRecord[]): Promise<void> {
    if (!records.length) {
      return;
    }
    try {
      await this.tables();
      let n = 0;
      for (const r of records) {
        const at = new Date(r.at);
        await this.client.execute(
          `INSERT INTO ${this.keyspace}.monitor_history (deployment, day, at, id, type, record) VALUES (?, ?, ?, ?, ?, ?)`,
          [
            this.deployment,
            r.at.slice(0, 10),
            at,
            `${process.pid}-${Date.now()}-${n++}`,
            r.type,
            JSON.stringify(r),
          ],
          { idempotent: true },
        );
        if (r.type === 'change') {
          await this.client.execute(
            `INSERT INTO ${this.keyspace}.monitor_state (deployment, key, state, at) VALUES (?, ?, ?, ?)`,
            [this.deployment, r.key, r.to, at],
            { idempotent: true },
          );
        }
      }
      this.lastError = undefined;
    } catch (e) {
      this.lastError = (e as Error).message;
      await this.fallback.append(records);
    }
  }

  async read(filter: { sinceMs?: number } = {}): Promise<HistoryRecord[]> {
    await this.tables();
    const since = filter.sinceMs ?? Date.now() - DEFAULT_DAYS * 86_400_000;
    const out: HistoryRecord[] = [];
    for (const day of daysFrom(since, Date.now())) {
      const rs = await this.client.execute(
        `SELECT record FROM ${this.keyspace}.monitor_history WHERE deployment = ? AND day = ?`,
        [this.deployment, day],
      );
      for (const row of rs.rows) {
        try {
          out.push(JSON.parse(String(row.record)) as HistoryRecord);
        } catch {
          // a record that is not JSON: not ours
        }
      }
    }
    out.push(...(await this.fallback.read()));
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }

  async lastStates(): Promise<Map<string, SubjectState>> {
    const seen = new Map<string, { state: SubjectState; at: number }>();
    try {
      await this.tables();
      const rs = await this.client.execute(
        `SELECT key, state, at FROM ${this.keyspace}.monitor_state WHERE deployment = ?`,
        [this.deployment],
      );
      for (const row of rs.rows) {
        const at = row.at instanceof Date ? row.at.getTime() : 0;
        seen.set(String(row.key), { state: String(row.state) as SubjectState, at });
      }
    } catch (e) {
      this.lastError = (e as Error).message;
    }
    // A change that could only be written locally counts when it is the newer one.
    for (const r of await this.fallback.read()) {
      const at = Date.parse(r.at);
      if (r.type === 'change' && at >= (seen.get(r.key)?.at ?? 0)) {
        seen.set(r.key, { state: r.to, at });
      }
    }
    return new Map([...seen].map(([k, v]) => [k, v.state]));
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/** UTC days (YYYY-MM-DD) from `fromMs` to `toMs`, both included. */
export function daysFrom(fromMs: number, toMs: number): string[] {
  const out: string[] = [];
  const d = new Date(new Date(fromMs).toISOString().slice(0, 10));
  while (d.getTime() <= toMs) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/** The store the services file chose: Cassandra's tables, or (the default) the JSON-lines file. */
export async function openHistory(dep: Deployment, m: MonitorSettings): Promise<HistoryStore> {
  const c = m.historyCassandra;
  if (!c) {
    return new History(m.history);
  }
  const option = dep.inventory.services.get('cassandra')?.options.keyspace;
  const keyspace = c.keyspace ?? (typeof option === 'string' ? option : 'smc');
  return new CassandraHistory(await dep.cassandra.client(c.user), keyspace, dep.name, m.history);
}
