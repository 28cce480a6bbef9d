// The planner decides start / reload / restart / nothing, and writes only what differs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInventory } from '../../admin/inventory/parse.js';
import { meshSpec } from '../../admin/tinc/mesh.js';
import { desiredFiles } from '../../admin/tinc/plan/desired.js';
import { planNode, sha256, type NodeInputs } from '../../admin/tinc/plan/plan.js';
import type { NodeState } from '../../admin/tinc/remote/commands.js';
import { KEY, KEY2, SERVICES } from './fixtures.js';

const spec = meshSpec(
  parseInventory(SERVICES, '/srv/services.yaml', { home: '/nonexistent-home' }),
);
const keys = new Map(spec.members.map((m) => [m.host, KEY]));
const me = spec.members[1]!; // cloud2
const OWN = ['tinc.conf', 'tinc-up', 'tinc-down', `hosts/${me.name}`];

/** The state of a host that holds exactly `files` (own files in full, peers' as hashes). */
function stateWith(
  files = desiredFiles(spec, me, keys),
  extra: Partial<NodeState> = {},
): NodeState {
  const s: NodeState = {
    tincd: true,
    pid: 100,
    keyMode: '600',
    files: new Map(),
    hashes: new Map(),
    ...extra,
  };
  for (const f of files) {
    if (OWN.includes(f.path)) {
      s.files.set(f.path, { mode: f.mode.toString(8), text: f.text });
    } else {
      s.hashes.set(f.path, sha256(f.text));
    }
  }
  return s;
}

const inputs = (state: NodeState, over: Partial<NodeInputs> = {}): NodeInputs => ({
  member: me,
  state,
  desired: desiredFiles(spec, me, keys),
  keygen: false,
  keep: new Set(),
  copyLabel: (p) => `differs from conf/tinc_hosts/${p.slice(6)}`,
  ...over,
});

test('in sync and running: nothing to write, nothing to restart', () => {
  const plan = planNode(inputs(stateWith()));
  assert.deepEqual(plan.changes, []);
  assert.equal(plan.action, 'none');
});

test('not running: start, even with nothing to write', () => {
  const state = stateWith();
  delete state.pid;
  assert.equal(planNode(inputs(state)).action, 'start');
});

test('a new peer: its host file and a ConnectTo line, then a reload (not a restart)', () => {
  const fewer = new Map([...keys].filter(([h]) => h !== 'cloud5'));
  const plan = planNode(inputs(stateWith(desiredFiles(spec, me, fewer))));
  assert.deepEqual(
    plan.changes.map((c) => [c.kind, c.path, c.reason]),
    [
      ['write', 'tinc.conf', 'ConnectTo + cloud5'],
      ['write', 'hosts/cloud5', 'missing'],
    ],
  );
  assert.equal(plan.action, 'reload');
});

test("a peer's changed key: rewritten (the reason names the record), reload", () => {
  const other = new Map(keys).set('cloud4', KEY2);
  const plan = planNode(inputs(stateWith(desiredFiles(spec, me, other))));
  assert.deepEqual(
    plan.changes.map((c) => [c.path, c.reason]),
    [['hosts/cloud4', 'differs from conf/tinc_hosts/cloud4']],
  );
  assert.equal(plan.action, 'reload');
});

test('own VPN address changed in tinc-up: restart', () => {
  const files = desiredFiles(spec, me, keys).map((f) =>
    f.path === 'tinc-up' ? { ...f, text: f.text.replace('10.1.2.1', '10.1.2.9') } : f,
  );
  const plan = planNode(inputs(stateWith(files)));
  assert.deepEqual(
    plan.changes.map((c) => [c.path, c.reason]),
    [['tinc-up', 'assigns 10.1.2.9/8, services file says 10.1.2.1/8']],
  );
  assert.equal(plan.action, 'restart');
});

test("a non-member's host file is deleted (revocation); a member whose key is unknown is kept", () => {
  const state = stateWith();
  state.hashes.set('hosts/cloud6', 'ab'.repeat(32));
  const plan = planNode(inputs(state));
  assert.deepEqual(
    plan.changes.map((c) => [c.kind, c.path, c.reason]),
    [['delete', 'hosts/cloud6', 'not a mesh member: revoked']],
  );
  assert.equal(plan.action, 'reload');
  assert.deepEqual(planNode(inputs(state, { keep: new Set(['hosts/cloud6']) })).changes, []);
});

test('a loose private key mode is tightened without touching tincd', () => {
  const plan = planNode(inputs(stateWith(undefined, { keyMode: '644' })));
  assert.deepEqual(
    plan.changes.map((c) => [c.kind, c.path, c.reason]),
    [['chmod', 'rsa_key.priv', 'private key mode 644, want 600']],
  );
  assert.equal(plan.action, 'none');
});

test('a damaged own host file is described as such and restarts tincd', () => {
  const state = stateWith();
  state.files.set(`hosts/${me.name}`, {
    mode: '644',
    text: 'Address = 198.18.9.2\n-----BEGIN RSA PUBLIC KEY-----\nMIIB\n',
  });
  const plan = planNode(inputs(state));
  assert.match(
    plan.changes[0]!.reason,
    /^damaged: line 2: -----BEGIN RSA PUBLIC KEY----- has no -----END line/,
  );
  assert.equal(plan.action, 'restart');
});

test('a fresh key pair restarts a running tincd', () => {
  assert.equal(planNode(inputs(stateWith(), { keygen: true })).action, 'restart');
});
