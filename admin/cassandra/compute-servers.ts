// The compute_servers table (which hosts take new projects): `on` (running, new projects
// placed), `no-new` (running projects stay, none placed), `off`. The services file's
// compute_servers map is the wanted state; `plan` compares it with the table (pure), `apply`
// writes the differences. Hosts in the table but not in the file are reported, never deleted.
import type { CassandraClient } from './client.js';
import { CassandraError } from './errors.js';

export type ComputeStatus = 'on' | 'no-new' | 'off';
export const COMPUTE_STATUSES: readonly ComputeStatus[] = ['on', 'no-new', 'off'];

export interface ComputeServerRow {
  host: string;
  status: string;
  score: number | null;
  updated: Date | null;
}

export interface ComputePlan {
  changes: { host: string; from: string | null; to: ComputeStatus }[];
  unchanged: string[];
  unknown: string[]; // in the table, not in the services file
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

export function tableName(keyspace: string): string {
  if (!IDENT.test(keyspace)) {
    throw new CassandraError(
      'invalid',
      `compute_servers: bad keyspace name ${JSON.stringify(keyspace)}`,
    );
  }
  return `${keyspace}.compute_servers`;
}

export function createTableCql(keyspace: string): string {
  return `CREATE TABLE IF NOT EXISTS ${tableName(keyspace)} (host text PRIMARY KEY, status text, score int, updated timestamp)`;
}

export function planComputeServers(
  wanted: ReadonlyMap<string, ComputeStatus>,
  rows: readonly ComputeServerRow[],
): ComputePlan {
  const current = new Map(rows.map((r) => [r.host, r.status]));
  const plan: ComputePlan = { changes: [], unchanged: [], unknown: [] };
  for (const [host, to] of wanted) {
    const from = current.get(host) ?? null;
    if (from === to) {
      plan.unchanged.push(host);
    } else {
      plan.changes.push({ host, from, to });
    }
  }
  plan.unknown = rows
    .map((r) => r.host)
    .filter((h) => !wanted.has(h))
    .sort();
  return plan;
}

export async function listComputeServers(
  client: CassandraClient,
  keyspace: string,
): Promise<ComputeServerRow[]> {
  await client.execute(createTableCql(keyspace), [], { idempotent: true });
  const r = await client.execute(`SELECT host, status, score, updated FROM ${tableName(keyspace)}`);
  return r.rows
    .map((row) => ({
      host: String(row.host),
      status: String(row.status),
      score: (row.score as number | null) ?? null,
      updated: (row.updated as Date | null) ?? null,
    }))
    .sort((a, b) => (a.host < b.host ? -1 : 1));
}

export async function setComputeServer(
  client: CassandraClient,
  keyspace: string,
  host: string,
  status: ComputeStatus,
): Promise<void> {
  if (!COMPUTE_STATUSES.includes(status)) {
    throw new CassandraError(
      'invalid',
      `compute server status must be on, no-new or off, not ${JSON.stringify(status)}`,
    );
  }
  await client.execute(
    `UPDATE ${tableName(keyspace)} SET status = ?, updated = ? WHERE host = ?`,
    [status, new Date(), host],
    {
      idempotent: true,
    },
  );
}

export async function applyComputePlan(
  client: CassandraClient,
  keyspace: string,
  plan: ComputePlan,
): Promise<void> {
  for (const c of plan.changes) {
    await setComputeServer(client, keyspace, c.host, c.to);
  }
}
