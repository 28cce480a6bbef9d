// tinc output: progress events, the plan (folded: hosts with the same changes print once), the
// outcome of init/add/remove/start/stop, and status with drift.
import { basename, dirname } from 'node:path';
import { foldNodeSet } from '../../../inventory/nodeset.js';
import type {
  Change,
  LifecycleResult,
  MeshStatus,
  NodePlan,
  TincEvent,
  TincResult,
} from '../../../tinc/index.js';
import { renderMatrix } from './tinc-matrix.js';

export function renderTincEvent(e: TincEvent): string {
  switch (e.kind) {
    case 'phase':
      return `tinc: ${e.phase} on ${foldNodeSet(e.hosts)} (${e.hosts.length})\n`;
    case 'host-failed':
      return `tinc: ${e.failure.host} failed to ${e.failure.phase}: ${e.failure.message}\n`;
    case 'key-changed':
      return `tinc: ${e.host}'s public key differs from the record (rekeyed or reinstalled); recording the new one\n`;
    case 'verify-round':
      return `tinc: verify round ${e.matrix.rounds}: ${e.matrix.pairs.filter((p) => !p.ok).length} pairs failing, retrying\n`;
    case 'plan':
      return renderPlan(e.nodes, e.keygen);
    case 'repair':
      return `tinc: restarting ${foldNodeSet(e.hosts)}: pairs stuck with stale packet keys (a tinc 1.0 key-exchange race)\n`;
    case 'key-generated':
    case 'recorded':
    case 'control':
      return '';
  }
}

export function renderPlan(nodes: readonly NodePlan[], keygen: readonly string[]): string {
  const groups = new Map<string, string[]>();
  for (const n of nodes) {
    const text = describeNode(n, keygen.includes(n.host));
    groups.set(text, [...(groups.get(text) ?? []), n.host]);
  }
  const lines = [...groups].map(
    ([text, hosts]) => `  ${foldNodeSet(hosts)} (${hosts.length}): ${text}`,
  );
  return `plan:\n${lines.join('\n') || '  (no member can be configured)'}\n`;
}

function describeNode(n: NodePlan, keygen: boolean): string {
  const parts: string[] = [];
  if (keygen) {
    parts.push('generate a key pair on the host');
  }
  parts.push(...describeChanges(n.changes));
  const action = {
    none: n.pid ? 'tincd running, nothing to do' : 'nothing to do',
    start: 'start tincd',
    reload: 'reload tincd (SIGHUP)',
    restart: 'restart tincd',
  }[n.action];
  return [...parts, action].join('; ');
}

/** `write hosts/cloud[1-5] (missing)`: paths with the same verb and reason fold together. */
function describeChanges(changes: readonly Change[]): string[] {
  const groups = new Map<string, string[]>();
  for (const c of changes) {
    const key = `${c.kind}\n${c.reason}`;
    groups.set(key, [...(groups.get(key) ?? []), c.path]);
  }
  return [...groups].map(([key, paths]) => {
    const [kind, reason] = key.split('\n');
    const hostFiles = paths.filter((p) => p.startsWith('hosts/')).map((p) => p.slice(6));
    const shown = [
      ...paths.filter((p) => !p.startsWith('hosts/')),
      ...(hostFiles.length ? [`hosts/${foldNodeSet(hostFiles)}`] : []),
    ];
    return `${kind} ${shown.join(', ')} (${reason})`;
  });
}

export function renderTincResult(r: TincResult, opts: { grid?: boolean } = {}): string {
  const lines: string[] = [];
  if (r.dryRun) {
    lines.push('dry run: nothing was changed');
  }
  const started = r.nodes.filter(
    (n) => n.action !== 'none' && !r.failures.some((f) => f.host === n.host),
  );
  const byAction = (a: NodePlan['action']): string[] =>
    started.filter((n) => n.action === a).map((n) => n.host);
  if (!r.dryRun) {
    for (const [a, label] of [
      ['start', 'started'],
      ['reload', 'reloaded'],
      ['restart', 'restarted'],
    ] as const) {
      const hosts = byAction(a);
      if (hosts.length) {
        lines.push(`${label}: ${foldNodeSet(hosts)} (${hosts.length})`);
      }
    }
    if (started.length === 0 && r.failures.length === 0) {
      lines.push('nothing restarted: every member was already as the services file says');
    }
    if (r.keygen.length) {
      lines.push(`new key pairs: ${foldNodeSet(r.keygen)} (${r.keygen.length})`);
    }
    for (const change of ['added', 'updated', 'removed'] as const) {
      const files = r.recorded.filter((c) => c.change === change).map((c) => c.file);
      if (files.length) {
        lines.push(
          `record: ${change} ${foldNodeSet(files.map((f) => basename(f)))} in ${dirname(files[0]!)}`,
        );
      }
    }
  }
  if (r.repaired.length) {
    lines.push(`repaired: ${foldNodeSet(r.repaired)} restarted to renew stale packet keys`);
  }
  lines.push(...r.notes);
  for (const f of r.failures) {
    lines.push(`FAILED ${f.host} (${f.phase}): ${f.message}`);
  }
  return `${lines.join('\n')}\n${r.matrix ? renderMatrix(r.matrix, opts) : ''}`;
}

export function renderLifecycle(r: LifecycleResult, verb: 'started' | 'stopped'): string {
  const lines: string[] = [];
  // One host: its pid (what an operator checks next); many: folded.
  if (r.acted.length === 1) {
    lines.push(`${verb}: ${r.acted[0]!.host}${r.acted[0]!.pid ? ` (pid ${r.acted[0]!.pid})` : ''}`);
  } else if (r.acted.length > 1) {
    lines.push(`${verb}: ${foldNodeSet(r.acted.map((a) => a.host))} (${r.acted.length})`);
  }
  if (r.untouched.length) {
    lines.push(
      `already ${verb === 'started' ? 'running' : 'stopped'}: ${foldNodeSet(r.untouched)} (${r.untouched.length})`,
    );
  }
  if (r.repaired.length) {
    lines.push(`repaired: ${foldNodeSet(r.repaired)} restarted to renew stale packet keys`);
  }
  for (const f of r.failures) {
    lines.push(`FAILED ${f.host} (${f.phase}): ${f.message}`);
  }
  return `${lines.join('\n')}\n${r.matrix ? renderMatrix(r.matrix) : ''}`;
}

export function renderStatus(s: MeshStatus): string {
  const running = s.nodes.filter((n) => n.pid !== undefined).map((n) => n.host);
  const stopped = s.nodes.filter((n) => n.reachable && n.pid === undefined).map((n) => n.host);
  const lines = [`net ${s.netname}: ${s.nodes.length} members, record in ${s.confDir}`];
  if (running.length) {
    lines.push(`tincd running: ${foldNodeSet(running)} (${running.length})`);
  }
  if (stopped.length) {
    lines.push(`tincd NOT running: ${foldNodeSet(stopped)} (${stopped.length})`);
  }
  for (const f of s.failures) {
    lines.push(`unreachable: ${f.host}: ${f.message}`);
  }
  const drifting = s.nodes.filter((n) => n.drift.length);
  if (drifting.length) {
    lines.push('drift on the hosts:');
  }
  for (const n of drifting) {
    for (const d of n.drift) {
      lines.push(`  ${n.host}: ${d.file}: ${d.problem}`);
    }
  }
  if (s.record.length) {
    lines.push('drift in the record:');
  }
  for (const d of s.record) {
    lines.push(`  ${d.file}: ${d.problem}`);
  }
  lines.push(
    s.ok
      ? 'in sync'
      : `NOT in sync: run salvo tinc init to converge (salvo tinc init --dry-run shows the plan)`,
  );
  return `${lines.join('\n')}\n`;
}
