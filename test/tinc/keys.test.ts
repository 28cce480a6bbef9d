// Whose key is known and from where; a damaged own host file is an error naming host and file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInventory } from '../../admin/inventory/parse.js';
import { meshSpec } from '../../admin/tinc/mesh.js';
import { resolveKeys, type KeyInputs } from '../../admin/tinc/keys.js';
import { hostFile, hostFileText } from '../../admin/tinc/plan/desired.js';
import { tincPaths } from '../../admin/tinc/remote/paths.js';
import type { NodeState } from '../../admin/tinc/remote/commands.js';
import type { HostFile } from '../../admin/tinc/config/host-file.js';
import { KEY, KEY2, SERVICES } from './fixtures.js';

const spec = meshSpec(
  parseInventory(SERVICES, '/srv/services.yaml', { home: '/nonexistent-home' }),
);
const paths = tincPaths('lab');

function hostState(name: string, ownText?: string, keyMode: string | null = '600'): NodeState {
  const s: NodeState = { tincd: true, files: new Map(), hashes: new Map() };
  if (keyMode !== null) {
    s.keyMode = keyMode; // null: no private key
  }
  if (ownText !== undefined) {
    s.files.set(`hosts/${name}`, { mode: '644', text: ownText });
  }
  return s;
}

function inputs(
  states: Map<string, NodeState>,
  record = new Map<string, HostFile>(),
  over: Partial<KeyInputs> = {},
): KeyInputs {
  return { spec, paths, states, record, prefer: 'host', keygenOn: new Set(states.keys()), ...over };
}

const own = (host: string, key = KEY): string =>
  hostFileText(spec, spec.members.find((m) => m.host === host)!, key);

test('keys come from the hosts; hosts without a private key get a key pair', () => {
  const states = new Map([
    ['cloud1', hostState('cloud1', own('cloud1'))],
    ['cloud2', hostState('cloud2', undefined, null)],
  ]);
  const r = resolveKeys(inputs(states));
  assert.equal(r.keys.get('cloud1'), KEY);
  assert.deepEqual(r.keygen, ['cloud2']);
  assert.deepEqual(r.problems, []);
});

test('an unreachable host is known from the record; a rekeyed host is reported and wins in init', () => {
  const m3 = spec.members[2]!;
  const record = new Map([
    ['cloud3', hostFile(spec, m3, KEY)],
    ['cloud1', hostFile(spec, spec.members[0]!, KEY)],
  ]);
  const states = new Map([['cloud1', hostState('cloud1', own('cloud1', KEY2))]]);
  const r = resolveKeys(inputs(states, record));
  assert.equal(r.keys.get('cloud3'), KEY);
  assert.equal(r.keys.get('cloud1'), KEY2);
  assert.deepEqual(r.changed, ['cloud1']);
  assert.equal(resolveKeys(inputs(states, record, { prefer: 'record' })).keys.get('cloud1'), KEY);
});

test('a damaged own host file: an error naming the host, the file and the line', () => {
  const damaged = own('cloud2').split('\n').slice(0, -3).join('\n');
  const r = resolveKeys(inputs(new Map([['cloud2', hostState('cloud2', damaged)]])));
  assert.equal(r.problems.length, 1);
  const [p] = r.problems;
  assert.equal(p!.options.host, 'cloud2');
  assert.equal(p!.file, '/etc/tinc/lab/hosts/cloud2');
  assert.match(
    p!.message,
    /^cloud2: \/etc\/tinc\/lab\/hosts\/cloud2:6: -----BEGIN RSA PUBLIC KEY----- has no -----END line/,
  );
  assert.equal(r.keys.has('cloud2'), false);
});

test('a private key without its public half and no record: an error with the way out', () => {
  const r = resolveKeys(inputs(new Map([['cloud4', hostState('cloud4')]])));
  assert.match(
    r.problems[0]!.message,
    /cloud4: \/etc\/tinc\/lab\/hosts\/cloud4: is missing, but \/etc\/tinc\/lab\/rsa_key.priv exists/,
  );
  assert.match(r.problems[0]!.message, /delete rsa_key.priv on cloud4/);
});
