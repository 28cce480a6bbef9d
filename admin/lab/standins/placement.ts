// LAB ONLY. The hub's project placement: which compute server a new project goes to, read from
// the compute_servers table through CQL (the product's CassandraClient, logged in as the hub
// user): only hosts with status `on` take new projects, the one with the fewest projects first
// (ties by name). A project placed before keeps its host whatever that host's status now is
// (`no-new` stops new placements, existing projects stay). Placements live in
// `<keyspace>.placements (project text PRIMARY KEY, host text, placed timestamp)`, written with
// IF NOT EXISTS so two hubs placing one project agree. The table is the app's schema: created
// by an admin (the hub user has no CREATE permission), e.g. as the demo and the lab test do.
import { readFileSync } from 'node:fs';
import { CassandraClient } from '../../cassandra/index.js';

export interface PlacementConfig {
  contactPoints: string[];
  port: number;
  user: string;
  /** A file with the user's password (never the password in argv); read at each connect. */
  passwordFile: string;
  keyspace: string;
}

export interface Placement {
  project: string;
  host: string;
  /** True when this call placed it; false when it already had a host. */
  placed: boolean;
}

export class NoComputeServer extends Error {}

export const PLACEMENTS_CQL = (ks: string): string =>
  `CREATE TABLE IF NOT EXISTS ${ks}.placements (project text PRIMARY KEY, host text, placed timestamp)`;

export class Placer {
  private client: CassandraClient | undefined;
  constructor(private readonly c: PlacementConfig) {
    if (!/^[a-z_][a-z0-9_]*$/.test(c.keyspace)) {
      throw new Error(`bad keyspace ${JSON.stringify(c.keyspace)}`);
    }
  }

  private db(): CassandraClient {
    if (!this.client) {
      this.client = new CassandraClient({
        contactPoints: this.c.contactPoints,
        port: this.c.port,
        localDataCenter: 'datacenter1',
        username: this.c.user,
        password: readFileSync(this.c.passwordFile, 'utf8').trim(),
        operationTimeoutMs: 8000,
      });
    }
    return this.client;
  }

  async lookup(project: string): Promise<string | undefined> {
    const r = await this.db().execute(
      `SELECT host FROM ${this.c.keyspace}.placements WHERE project = ?`,
      [project],
    );
    return r.rows[0] ? String(r.rows[0].host) : undefined;
  }

  async place(project: string): Promise<Placement> {
    const had = await this.lookup(project);
    if (had) {
      return { project, host: had, placed: false };
    }
    const ks = this.c.keyspace;
    const servers = await this.db().execute(`SELECT host, status FROM ${ks}.compute_servers`);
    const open = servers.rows.filter((r) => r.status === 'on').map((r) => String(r.host));
    if (open.length === 0) {
      throw new NoComputeServer('no compute server takes new projects (none has status on)');
    }
    const load = new Map(open.map((h) => [h, 0]));
    for (const r of (await this.db().execute(`SELECT host FROM ${ks}.placements`)).rows) {
      const h = String(r.host);
      if (load.has(h)) {
        load.set(h, load.get(h)! + 1);
      }
    }
    const host = [...load.entries()].sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1))[0]![0];
    const r = await this.db().execute(
      `INSERT INTO ${ks}.placements (project, host, placed) VALUES (?, ?, ?) IF NOT EXISTS`,
      [project, host, new Date()],
    );
    const row = r.rows[0] ?? {};
    if (row['[applied]'] === false) {
      return { project, host: String(row.host), placed: false };
    }
    return { project, host, placed: true };
  }

  async close(): Promise<void> {
    await this.client?.close();
    this.client = undefined;
  }
}
