// `salvo cassandra …` for people: the ring as every node sees it, CQL rows as cqlsh prints them,
// repair and membership progress as time-stamped lines, and the outcome of repair, add-node,
// remove-node, replication and auth-init.
import type {
  AuthInitResult,
  MembershipEvent,
  MembershipSummary,
  RepairEvent,
  RepairSummary,
} from '../../../cassandra/index.js';
import type { ReplicationResult, RingStatus } from '../../../deployment/subsystems/cassandra.js';
import { formatSeconds } from '../duration.js';
import { renderTable } from '../table.js';

/** One line (no newline) for a bootstrap or decommission event. */
export function memberLine(e: MembershipEvent): string {
  switch (e.kind) {
    case 'node-skip':
      return `${e.host}: skipped (${e.why})`;
    case 'node-start':
      return `${e.host}: ${e.action === 'bootstrap' ? 'starting; bootstrapping' : 'decommissioning'}`;
    case 'node-state':
      return `${e.host}: ${e.state}${e.streaming ? ', streaming' : ''}`;
    case 'node-done':
      return `${e.host}: done in ${formatSeconds(e.durationMs)}`;
    default:
      return `${e.keyspace}: ${e.cql}`;
  }
}

/** One line (no newline) for a rolling-repair event. */
export function repairLine(e: RepairEvent): string {
  switch (e.kind) {
    case 'repair-start':
      return `repair ${e.runId}: ${e.nodes.length} node(s)${e.skipped.length ? `, already done: ${e.skipped.join(', ')}` : ''}`;
    case 'node-start':
      return `${e.host}: repairing`;
    case 'node-done':
      return `${e.host}: done in ${formatSeconds(e.durationMs)}${e.slow ? ' (SLOW: over 3x the median)' : ''}`;
    default:
      return `${e.host}: FAILED: ${e.error}`;
  }
}

/** A replication change emits both kinds: the ALTER (membership) and its repair. */
export function replicationLine(e: MembershipEvent | RepairEvent): string {
  return 'action' in e ||
    e.kind === 'replication' ||
    e.kind === 'node-state' ||
    e.kind === 'node-skip'
    ? memberLine(e as MembershipEvent)
    : repairLine(e as RepairEvent);
}

const stamped = (line: string, at: Date): string => `${at.toISOString()} ${line}\n`;

/** Progress on stderr: `2026-01-02T03:04:05.678Z cass2: done in 12.3s`. */
export function renderMemberEvent(e: MembershipEvent, at: Date = new Date()): string {
  return stamped(memberLine(e), at);
}

export function renderRepairEvent(e: RepairEvent, at: Date = new Date()): string {
  return stamped(repairLine(e), at);
}

export function renderReplicationEvent(
  e: MembershipEvent | RepairEvent,
  at: Date = new Date(),
): string {
  return stamped(replicationLine(e), at);
}

/** The ring: one row per address, a column per node that was asked; problems below. */
export function renderRing(s: RingStatus): string {
  const hosts = s.views.map((v) => v.host);
  const head = ['Address', 'DC', 'Rack', 'Load', 'Owns', ...hosts.map((h) => `seen by ${h}`)];
  const rows = s.ring.map((r) => [
    r.address,
    r.dc,
    r.rack,
    r.load,
    r.owns,
    ...hosts.map((h) => r.seenBy[h] ?? '-'),
  ]);
  let out = renderTable([head, ...rows]);
  if (s.problems.length) {
    out += `\n${s.problems.map((p) => `! ${p}`).join('\n')}\n`;
  }
  return out;
}

/** A warning the server sent with a statement's result, as cqlsh shows it. */
export function renderCqlWarning(w: string): string {
  return `Warnings :\n${w}\n\n`;
}

/** Rows as cqlsh prints them: a header, a dashed rule, right-aligned cells, `(N rows)`. */
export function renderCqlRows(columns: string[], rows: Record<string, unknown>[]): string {
  const text = (v: unknown): string => {
    if (v === null || v === undefined) {
      return 'null';
    }
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  };
  const cells = rows.map((r) => columns.map((c) => text(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => ` ${r.map((c, i) => c.padStart(widths[i]!)).join(' | ')}\n`;
  return `\n${fmt(columns)}${widths.map((w) => '-'.repeat(w + 2)).join('+')}\n${cells.map(fmt).join('')}\n(${rows.length} rows)\n`;
}

/** The outcome of `cassandra repair`: skipped, stopped at a node (with the resume command), or done. */
export function renderRepair(s: RepairSummary): string {
  if (s.skipped) {
    return `repair skipped: ${s.skipped}\n`;
  }
  if (s.failed) {
    return `repair ${s.runId} stopped at ${s.failed.host}: ${s.failed.error}\nnot repaired: ${s.remaining.join(', ')}\nresume: salvo cassandra repair --resume ${s.runId}\n`;
  }
  return `repair ${s.runId}: ${s.done.length} node(s) repaired; journal ${s.journal}\n`;
}

export function renderAddNodes(s: MembershipSummary): string {
  return `add-node: ${s.done.length} node(s) joined${s.skipped.length ? `; already in the ring: ${s.skipped.join(', ')}` : ''}\n`;
}

export function renderRemoveNode(s: MembershipSummary): string {
  return `remove-node: ${s.done.map((d) => d.host).join(', ')} left the ring and is stopped; remove it from the cassandra hosts in the services file\n`;
}

/** The replication change, then its full repair (with the resume command when it stopped). */
export function renderReplication(r: ReplicationResult): string {
  const s = r.repair;
  const head = `${r.keyspace}: replication ${r.changed ? `changed to ${JSON.stringify(r.to)}` : `already ${JSON.stringify(r.to)}`}\n`;
  if (s.failed) {
    return `${head}repair ${s.runId} stopped at ${s.failed.host}: ${s.failed.error}\nresume: salvo cassandra repair -k ${r.keyspace} --full --resume ${s.runId}\n`;
  }
  return `${head}repair ${s.runId}: ${s.done.length} node(s) repaired (full)\n`;
}

/** An auth-init step on stderr: `create user: salvo_admin`. */
export function renderAuthStep(step: string, detail?: string): string {
  return `${step}${detail ? `: ${detail}` : ''}\n`;
}

export function renderAuthInit(r: AuthInitResult, secretsDir: string): string {
  return `auth-init done: ${r.created.length ? `new secrets for ${r.created.join(', ')} in ${secretsDir}` : 'no new secrets'}; default user dropped\n`;
}
