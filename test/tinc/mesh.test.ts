import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInventory } from '../../admin/inventory/parse.js';
import { connectTargets, meshPrefix, meshSpec } from '../../admin/tinc/mesh.js';
import { desiredFiles } from '../../admin/tinc/plan/desired.js';
import { parseTincConf } from '../../admin/tinc/config/tinc-conf.js';
import { parseHostFile } from '../../admin/tinc/config/host-file.js';
import { parseTincUp } from '../../admin/tinc/config/up-down.js';
import { KEY, SERVICES } from './fixtures.js';

const inv = (text: string) =>
  parseInventory(text, '/srv/salvo/services.yaml', { home: '/nonexistent-home' });

test('members are the hosts with a vpn address, with mapped tinc names', () => {
  const spec = meshSpec(inv(SERVICES));
  assert.deepEqual(
    spec.members.map((m) => m.name),
    ['cloud1', 'cloud2', 'cloud3', 'cloud4', 'cloud5', 'storm_db3'],
  );
  assert.equal(spec.netname, 'lab');
  assert.equal(spec.port, 655);
  assert.equal(spec.iface, 'lab');
  assert.equal(spec.prefix, 8); // 10.1.x and 10.2.x together
});

test('the overlay prefix rounds to whole octets and stays stable as hosts come and go', () => {
  assert.equal(meshPrefix(['10.1.1.1', '10.1.2.1']), 16);
  assert.equal(meshPrefix(['10.1.1.1', '10.1.200.1', '10.1.201.1']), 16);
  assert.equal(meshPrefix(['10.1.1.1']), 16);
  assert.equal(meshPrefix(['10.1.1.1', '10.2.1.1']), 8);
  assert.equal(meshPrefix(['10.1.1.1', '192.168.1.1']), 0);
});

test('ConnectTo: everyone but itself, or the hubs but itself', () => {
  const all = meshSpec(inv(SERVICES));
  assert.deepEqual(
    connectTargets(all, all.members[0]!).map((m) => m.name),
    ['cloud2', 'cloud3', 'cloud4', 'cloud5', 'storm_db3'],
  );
  const hubs = meshSpec(inv(SERVICES.replace('connect_to: all', 'connect_to: "cloud[1-2]"')));
  assert.deepEqual(
    connectTargets(hubs, hubs.members[0]!).map((m) => m.name),
    ['cloud2'],
  );
  assert.deepEqual(
    connectTargets(hubs, hubs.members[4]!).map((m) => m.name),
    ['cloud1', 'cloud2'],
  );
});

test('a connect_to outside the mesh is refused by the services-file rules', () => {
  assert.throws(
    () => inv(SERVICES.replace('connect_to: all', 'connect_to: cloud9')),
    /tinc.connect_to: host cloud9 is not in the mesh/,
  );
});

test('desired files: ConnectTo only peers with a known key; host files carry Address, Port, Subnet, key', () => {
  const spec = meshSpec(inv(SERVICES));
  const keys = new Map([
    ['cloud1', KEY],
    ['cloud2', KEY],
    ['storm-db3', KEY],
  ]);
  const files = desiredFiles(spec, spec.members[5]!, keys);
  const byPath = new Map(files.map((f) => [f.path, f]));
  assert.deepEqual(
    [...byPath.keys()],
    ['tinc.conf', 'tinc-up', 'tinc-down', 'hosts/cloud1', 'hosts/cloud2', 'hosts/storm_db3'],
  );
  const conf = parseTincConf(byPath.get('tinc.conf')!.text);
  assert.equal(conf.name, 'storm_db3');
  assert.deepEqual(conf.connectTo, ['cloud1', 'cloud2']);
  assert.deepEqual(parseTincUp(byPath.get('tinc-up')!.text), { address: '10.2.3.2', prefix: 8 });
  assert.equal(byPath.get('tinc-up')!.mode, 0o755);
  assert.deepEqual(parseHostFile(byPath.get('hosts/storm_db3')!.text), {
    addresses: ['198.18.10.3'],
    port: 655,
    subnets: ['10.2.3.2/32'],
    publicKey: KEY,
    extra: [],
  });
});

test('no tinc section: a clear error', () => {
  assert.throws(() => meshSpec(inv(SERVICES.replace(/^tinc:.*$/m, ''))), /no tinc section/);
});
