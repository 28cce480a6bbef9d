// What `salvo check` is given to render: counts and folded host lists.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadInventory } from '../../admin/inventory/load.js';
import { summarizeInventory } from '../../admin/inventory/summary.js';
import { fixture, HOME } from './helpers.js';

test('summary of the valid fixture', async () => {
  const s = summarizeInventory(await loadInventory(fixture('valid.yaml'), { home: HOME }));
  assert.equal(s.deployment, 'lab');
  assert.deepEqual(s.hosts, { count: 6, names: 'db[1-2],edge,node[01-03]' });
  assert.deepEqual(s.vms, { count: 2, names: 'db[1-2]' });
  assert.deepEqual(s.groups, [
    { name: 'web', members: { count: 2, names: 'node[01-02]' } },
    { name: 'front', members: { count: 3, names: 'edge,node[01-02]' } },
  ]);
  assert.deepEqual(
    s.services.map((x) => [x.kind, x.hosts.names, x.hosts.count, x.instances]),
    [
      ['hub', 'node[01-02]', 2, 3],
      ['vm', 'db[1-2]', 2, 1],
      ['cassandra', 'db[1-2]', 2, 1],
      ['haproxy', 'edge', 1, 1],
    ],
  );
  assert.deepEqual(s.services[0]!.ports, {
    port: [5000, 5001, 5002],
    proxy_port: [5010, 5011, 5012],
  });
  assert.deepEqual(s.computeServers, [
    { status: 'on', hosts: { count: 1, names: 'node01' } },
    { status: 'no-new', hosts: { count: 1, names: 'node02' } },
    { status: 'off', hosts: { count: 1, names: 'node03' } },
  ]);
  assert.deepEqual(s.tinc, {
    netname: 'labnet',
    port: 6655,
    connectTo: 'all',
    members: { count: 5, names: 'db[1-2],node[01-03]' },
  });
  assert.match(s.backup!.rules, /\/test\/fixtures\/services\/backup\/rules\.yaml$/);
  assert.equal(s.ssh.user, 'admin');
  // Plain data: it survives JSON, so `salvo check --json` can print it as is.
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
});
