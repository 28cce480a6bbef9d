// plan: what to change on each host to reach the desired mesh, and whether tincd must start,
// reload (SIGHUP) or restart. Pure. Only files whose content differs are written: tincd drops the
// link to a peer whose host file is newer than its last reload, so rewriting an unchanged file
// would cut a working link.
import { createHash } from 'node:crypto';
import type { DesiredFile } from './desired.js';
import { confNeedsRestart, describeDifference } from './differences.js';
import type { MeshMember } from '../mesh.js';
import type { NodeState } from '../remote/index.js';

export type Change =
  | { kind: 'write'; path: string; mode: number; text: string; reason: string }
  | { kind: 'delete'; path: string; reason: string }
  | { kind: 'chmod'; path: string; mode: number; reason: string };

export type Action = 'none' | 'start' | 'reload' | 'restart';

export interface NodePlan {
  host: string;
  name: string; // tinc name
  keygen: boolean;
  changes: Change[];
  action: Action;
  pid?: number; // tincd running before the change
}

export interface NodeInputs {
  member: MeshMember;
  state: NodeState;
  desired: DesiredFile[];
  keygen: boolean;
  keep: ReadonlySet<string>; // hosts/* paths never deleted: members whose key is unknown right now
  copyLabel: (path: string) => string; // "differs from conf/tinc_hosts/cloud3"
}

export function planNode(inp: NodeInputs): NodePlan {
  const changes = [...fileChanges(inp), ...staleFiles(inp), ...keyMode(inp.state)];
  const plan: NodePlan = {
    host: inp.member.host,
    name: inp.member.name,
    keygen: inp.keygen,
    changes,
    action: 'none',
  };
  if (inp.state.pid !== undefined) {
    plan.pid = inp.state.pid;
  }
  plan.action = actionFor(inp, changes);
  return plan;
}

function fileChanges({ state, desired, copyLabel }: NodeInputs): Change[] {
  const out: Change[] = [];
  for (const d of desired) {
    const full = state.files.get(d.path);
    const hash = state.hashes.get(d.path);
    let reason: string | undefined;
    if (full) {
      if (full.text !== d.text) {
        reason = describeDifference(d.path, full.text, d.text);
      } else if (full.mode !== d.mode.toString(8)) {
        reason = `mode ${full.mode}, want ${d.mode.toString(8)}`;
      }
    } else if (hash !== undefined) {
      if (hash !== sha256(d.text)) {
        reason = copyLabel(d.path);
      }
    } else {
      reason = 'missing';
    }
    if (reason) {
      out.push({ kind: 'write', path: d.path, mode: d.mode, text: d.text, reason });
    }
  }
  return out;
}

/** Host files of non-members: deleting them is what revokes a removed host's key. */
function staleFiles({ state, desired, keep }: NodeInputs): Change[] {
  const wanted = new Set(desired.map((d) => d.path));
  return [...state.hashes.keys(), ...[...state.files.keys()].filter((p) => p.startsWith('hosts/'))]
    .filter((p) => !wanted.has(p) && !keep.has(p))
    .map((path) => ({ kind: 'delete' as const, path, reason: 'not a mesh member: revoked' }));
}

function keyMode(state: NodeState): Change[] {
  if (state.keyMode === undefined || state.keyMode === '600') {
    return [];
  }
  return [
    {
      kind: 'chmod',
      path: 'rsa_key.priv',
      mode: 0o600,
      reason: `private key mode ${state.keyMode}, want 600`,
    },
  ];
}

function actionFor(inp: NodeInputs, changes: Change[]): Action {
  if (inp.state.pid === undefined) {
    return 'start';
  }
  const self = `hosts/${inp.member.name}`;
  const restart =
    inp.keygen ||
    changes.some(
      (c) =>
        c.path === 'tinc-up' ||
        c.path === 'tinc-down' ||
        c.path === self ||
        (c.kind === 'write' &&
          c.path === 'tinc.conf' &&
          confNeedsRestart(inp.state.files.get('tinc.conf')?.text ?? '', c.text)),
    );
  if (restart) {
    return 'restart';
  }
  return changes.some((c) => c.kind !== 'chmod') ? 'reload' : 'none';
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
