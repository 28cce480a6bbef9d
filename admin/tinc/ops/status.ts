// status: which members run tincd, and drift — files on each node that differ from the record
// (conf/tinc_hosts/) or from the services file, stale host files, damaged keys, loose key modes —
// plus record files that differ from the services file. Read-only: nothing on a host changes.
import type { Deployment } from '../../deployment/deployment.js';
import { tincContext, type TincContext, type TincOptions } from '../context.js';
import { desiredFiles, hostFileText } from '../plan/desired.js';
import { describeDifference } from '../plan/differences.js';
import type { HostFailure } from '../events.js';
import { resolveKeys } from '../keys.js';
import { planNode } from '../plan/plan.js';
import { loadRecord, probeMembers, type LoadedRecord } from '../remote/index.js';

export interface Drift {
  file: string; // full path on the host, or in the record dir
  problem: string;
}

export interface NodeStatus {
  host: string;
  reachable: boolean;
  pid?: number; // running tincd
  drift: Drift[];
}

export interface MeshStatus {
  netname: string;
  confDir: string;
  nodes: NodeStatus[];
  record: Drift[];
  failures: HostFailure[];
  ok: boolean; // every member reachable, running, and without drift
}

export async function tincStatus(dep: Deployment, opts: TincOptions = {}): Promise<MeshStatus> {
  const ctx = tincContext(dep, opts);
  const record = await loadRecord(ctx);
  const states = await probeMembers(ctx, ctx.spec.members);
  const keys = resolveKeys({
    spec: ctx.spec,
    paths: ctx.paths,
    states,
    record: record.byHost,
    prefer: 'record',
    keygenOn: new Set(),
  });
  const at = (path: string): string => `${ctx.paths.confDir}/${path}`;
  const keep = new Set(
    ctx.spec.members.filter((m) => !keys.keys.has(m.host)).map((m) => `hosts/${m.name}`),
  );
  const nodes = ctx.spec.members.map((m): NodeStatus => {
    const state = states.get(m.host);
    if (!state) {
      return { host: m.host, reachable: false, drift: [] };
    }
    const drift: Drift[] = keys.problems
      .filter((p) => p.options.host === m.host)
      .map((p) => ({ file: p.file, problem: p.detail }));
    if (state.keyMode === undefined) {
      drift.push({
        file: at('rsa_key.priv'),
        problem: 'no key pair (salvo tinc init generates one on the host)',
      });
    }
    if (!state.tincd) {
      drift.push({ file: 'tincd', problem: 'not installed' });
    }
    if (keys.keys.has(m.host)) {
      const copyLabel = (p: string): string =>
        `differs from ${ctx.confDir}/${p.slice('hosts/'.length)}`;
      const plan = planNode({
        member: m,
        state,
        desired: desiredFiles(ctx.spec, m, keys.keys),
        keygen: false,
        keep,
        copyLabel,
      });
      drift.push(...plan.changes.map((c) => ({ file: at(c.path), problem: c.reason })));
    }
    return { host: m.host, reachable: true, ...(state.pid ? { pid: state.pid } : {}), drift };
  });
  const recordDrift = recordProblems(ctx, record);
  const ok =
    ctx.failures.length === 0 &&
    recordDrift.length === 0 &&
    nodes.every((n) => n.reachable && n.pid !== undefined && n.drift.length === 0);
  return {
    netname: ctx.spec.netname,
    confDir: ctx.confDir,
    nodes,
    record: recordDrift,
    failures: ctx.failures,
    ok,
  };
}

/** The record against the services file: missing members, stale non-members, changed addresses. */
function recordProblems(ctx: TincContext, record: LoadedRecord): Drift[] {
  const out: Drift[] = [];
  const members = new Set(ctx.spec.members.map((m) => m.name));
  for (const m of ctx.spec.members) {
    const f = record.files.get(m.name);
    const file = `${ctx.confDir}/${m.name}`;
    if (!f) {
      out.push({ file, problem: 'missing (salvo tinc init collects it)' });
    } else if (f.parsed.publicKey === undefined) {
      out.push({ file, problem: 'has no public key' });
    } else {
      const want = hostFileText(ctx.spec, m, f.parsed.publicKey);
      if (want !== f.text) {
        out.push({
          file,
          problem: `services file: ${describeDifference(`hosts/${m.name}`, f.text, want)}`,
        });
      }
    }
  }
  for (const f of record.files.values()) {
    if (!members.has(f.name)) {
      out.push({ file: f.file, problem: 'not a mesh member (salvo tinc remove revokes it)' });
    }
  }
  return out;
}
