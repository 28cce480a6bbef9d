// converge: probe → plan → (keygen → re-plan → record → push → start/reload/restart). The plan is
// emitted before any change, and a dry run stops there. Keys are generated on the hosts that lack
// one; only public host files travel.
import { TincError } from '../errors.js';
import { runEach, type TincContext } from '../context.js';
import { desiredFiles, hostFileText, type KeyMap } from '../plan/desired.js';
import { resolveKeys } from '../keys.js';
import type { MeshMember } from '../mesh.js';
import { planNode, type NodePlan } from '../plan/plan.js';
import { loadRecord, probeMembers, type LoadedRecord } from '../remote/index.js';
import { writeRecord, type RecordChange } from '../record.js';
import {
  controlCommand,
  keygenCommand,
  parseControlPid,
  pushCommand,
  pushInput,
  type ControlAction,
  type NodeState,
  type PushOp,
} from '../remote/index.js';
import { parseHostFile } from '../config/index.js';

export interface ConvergeOptions {
  targets: readonly MeshMember[]; // members to change (init -H); keys of all members are collected
  keyBits: number;
  dryRun: boolean;
}

export interface Converged {
  nodes: NodePlan[];
  keygen: string[];
  recorded: RecordChange[];
  states: Map<string, NodeState>;
}

// A stand-in key so a dry run can show the files a new key pair will cause.
const PENDING_KEY = Buffer.from('pending key').toString('base64');
const MS = { keygen: 180_000, push: 20_000, control: 30_000 };

export async function converge(ctx: TincContext, opts: ConvergeOptions): Promise<Converged> {
  const record = await loadRecord(ctx);
  const states = await probeMembers(ctx, ctx.spec.members);
  const able: MeshMember[] = [];
  for (const m of opts.targets) {
    const s = states.get(m.host);
    if (s?.tincd) {
      able.push(m);
    } else if (s) {
      reportNoTincd(ctx, m);
    }
  }
  const keys = resolveKeys({
    spec: ctx.spec,
    paths: ctx.paths,
    states,
    record: record.byHost,
    prefer: 'host',
    keygenOn: new Set(able.map((m) => m.host)),
  });
  if (keys.problems.length === 1) {
    throw keys.problems[0]!;
  }
  if (keys.problems.length > 1) {
    throw new TincError(keys.problems.map((p) => p.message).join('\n'));
  }
  for (const host of keys.changed) {
    ctx.emit({ kind: 'key-changed', host });
  }
  const pending = new Map([
    ...keys.keys,
    ...keys.keygen.map((h): [string, string] => [h, PENDING_KEY]),
  ]);
  const draft = planAll(ctx, able, states, pending, new Set(keys.keygen), record);
  ctx.emit({ kind: 'plan', nodes: draft, keygen: keys.keygen });
  if (opts.dryRun) {
    return { nodes: draft, keygen: keys.keygen, recorded: [], states };
  }

  const generated = await generateKeys(
    ctx,
    able.filter((m) => keys.keygen.includes(m.host)),
    opts.keyBits,
  );
  const known = new Map([...keys.keys, ...generated]);
  const nodes = planAll(ctx, able, states, known, new Set(generated.keys()), record);
  const recorded = await recordKeys(ctx, record, known);
  const pushed = await push(ctx, nodes);
  await control(
    ctx,
    nodes.filter((n) => pushed.has(n.host)),
  );
  return { nodes, keygen: [...generated.keys()], recorded, states };
}

/** A reachable member without tincd fails the probe phase. */
function reportNoTincd(ctx: TincContext, m: MeshMember): void {
  const failure = {
    host: m.host,
    phase: 'probe' as const,
    message: 'tincd is not installed (Debian package tinc)',
    unreachable: false,
  };
  ctx.failures.push(failure);
  ctx.emit({ kind: 'host-failed', failure });
}

function planAll(
  ctx: TincContext,
  targets: readonly MeshMember[],
  states: Map<string, NodeState>,
  keys: KeyMap,
  keygen: Set<string>,
  record: LoadedRecord,
): NodePlan[] {
  // A member whose key is unknown right now (unreachable, never recorded) keeps its host files.
  const keep = new Set(
    ctx.spec.members.filter((m) => !keys.has(m.host)).map((m) => `hosts/${m.name}`),
  );
  const copyLabel = (path: string): string =>
    record.files.has(path.slice('hosts/'.length))
      ? `differs from ${ctx.confDir}/${path.slice('hosts/'.length)}`
      : 'differs';
  return targets
    .filter((m) => keys.has(m.host))
    .map((m) =>
      planNode({
        member: m,
        state: states.get(m.host)!,
        desired: desiredFiles(ctx.spec, m, keys),
        keygen: keygen.has(m.host),
        keep,
        copyLabel,
      }),
    );
}

async function generateKeys(
  ctx: TincContext,
  members: readonly MeshMember[],
  bits: number,
): Promise<Map<string, string>> {
  const byHost = new Map(members.map((m) => [m.host, m]));
  const done = await runEach(
    ctx,
    'keygen',
    [...byHost.keys()],
    (h) => ({ command: keygenCommand(ctx.paths, byHost.get(h)!.name, bits) }),
    MS.keygen,
  );
  const keys = new Map<string, string>();
  for (const [host, r] of done) {
    const key = parseHostFile(r.stdout).publicKey;
    if (key === undefined) {
      throw new TincError(`${host}: tincd -K printed no public key`);
    }
    keys.set(host, key);
    ctx.emit({ kind: 'key-generated', host, bits });
  }
  return keys;
}

async function recordKeys(
  ctx: TincContext,
  record: LoadedRecord,
  keys: KeyMap,
): Promise<RecordChange[]> {
  const wanted = new Map(
    ctx.spec.members
      .filter((m) => keys.has(m.host))
      .map((m) => [m.name, hostFileText(ctx.spec, m, keys.get(m.host)!)]),
  );
  const members = new Set(ctx.spec.members.map((m) => m.name));
  const stale = [...record.files.keys()].filter((n) => !members.has(n));
  const changes = await writeRecord(ctx.confDir, record.files, wanted, stale);
  for (const change of changes) {
    ctx.emit({ kind: 'recorded', change });
  }
  return changes;
}

/** Returns the hosts that hold their new files (or needed none). */
async function push(ctx: TincContext, nodes: readonly NodePlan[]): Promise<Set<string>> {
  const byHost = new Map(nodes.filter((n) => n.changes.length > 0).map((n) => [n.host, n]));
  const done = await runEach(
    ctx,
    'push',
    [...byHost.keys()],
    (h) => ({
      command: pushCommand(ctx.paths),
      stdin: pushInput(byHost.get(h)!.changes.map(toOp)),
    }),
    MS.push,
  );
  return new Set(
    nodes.filter((n) => n.changes.length === 0 || done.has(n.host)).map((n) => n.host),
  );
}

function toOp(c: NodePlan['changes'][number]): PushOp {
  if (c.kind === 'write') {
    return { op: 'w', path: c.path, mode: c.mode, text: c.text };
  }
  if (c.kind === 'delete') {
    return { op: 'd', path: c.path };
  }
  return { op: 'm', path: c.path, mode: c.mode };
}

/**
 * Reload the running members first, then start or restart the others. A reload (SIGHUP) makes
 * tincd drop every link whose host file changed since its last reload; if a new member had
 * already connected, that link would be cut mid key exchange, and tinc 1.0 can then keep a stale
 * packet key for the pair (seen here: "Got unauthenticated packet", one pair dark until restart).
 * Reloading before the new daemons exist means their links are made once, after the reload.
 */
async function control(ctx: TincContext, nodes: readonly NodePlan[]): Promise<void> {
  await controlRound(
    ctx,
    nodes.filter((n) => n.action === 'reload'),
  );
  await controlRound(
    ctx,
    nodes.filter((n) => n.action === 'start' || n.action === 'restart'),
  );
}

async function controlRound(ctx: TincContext, nodes: readonly NodePlan[]): Promise<void> {
  const acting = new Map<string, ControlAction>();
  for (const n of nodes) {
    if (n.action !== 'none') {
      acting.set(n.host, n.action);
    }
  }
  const vpn = new Map(ctx.spec.members.map((m) => [m.host, m.vpn]));
  const target = (h: string): { netname: string; iface: string; vpn: string } => ({
    netname: ctx.spec.netname,
    iface: ctx.spec.iface,
    vpn: vpn.get(h)!,
  });
  const done = await runEach(
    ctx,
    'control',
    [...acting.keys()],
    (h) => ({ command: controlCommand(ctx.paths, target(h), acting.get(h)!) }),
    MS.control,
  );
  for (const [host, r] of done) {
    const pid = parseControlPid(r.stdout);
    ctx.emit({ kind: 'control', host, action: acting.get(host)!, ...(pid ? { pid } : {}) });
  }
}
