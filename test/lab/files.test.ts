// Rendering of the lab's files, checked without building a lab.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import { hostsTxt, nodeSet, servicesYaml, sshConfig } from '../../admin/lab/client-files.js';
import {
  authorizedKeys,
  etcHosts,
  fstab,
  knownHosts,
  sshdConfig,
  starterScript,
} from '../../admin/lab/netns/host-files.js';
import { isWellFormed, makeKeyPair } from '../../admin/lab/keys.js';
import type { LabState } from '../../admin/lab/netns/state.js';
import { planHosts } from '../../admin/lab/netns/build-hosts.js';
import { parseInventory } from '../../admin/inventory/parse.js';

function state(count: number): LabState {
  const admin = makeKeyPair('admin');
  return {
    version: 1,
    dir: '/tmp/lab-x',
    id: 7,
    bridge: 'salvo7',
    subnet: '198.18.7.0/24',
    namePrefix: 'cloud',
    adminKey: admin.publicKey,
    phase: 'up',
    hosts: planHosts(7, 'cloud', 1, count).map((p) => p.host),
  };
}

test('planHosts names, addresses, namespaces and veths (≤ 15 chars)', () => {
  const s = state(3);
  assert.deepEqual(
    s.hosts.map((h) => [h.name, h.address, h.netns, h.veth]),
    [
      ['cloud1', '198.18.7.1', 'salvo7-cloud1', 's7-v1'],
      ['cloud2', '198.18.7.2', 'salvo7-cloud2', 's7-v2'],
      ['cloud3', '198.18.7.3', 'salvo7-cloud3', 's7-v3'],
    ],
  );
  assert.ok(planHosts(250, 'cloud', 250, 1)[0]!.host.veth.length <= 15);
});

test('services.yaml follows docs/services-file.md', () => {
  const standIns = { node: '/usr/bin/node', dir: '/repo/dist/admin/lab/standins' };
  const doc = parse(servicesYaml(state(5), standIns)) as Record<string, unknown>;
  const app = (kind: string): string[] => [
    '/usr/bin/node',
    '/repo/dist/admin/lab/standins/app.js',
    '--kind',
    kind,
    '--id',
    '{id}',
    '--port',
    '{port}',
    '--version',
    '{version}',
  ];
  assert.deepEqual(doc, {
    deployment: 'lab',
    ports: {
      haproxy: 8000,
      haproxy_stats: 8404,
      hub: 5000,
      hub_proxy: 5100,
      snap: 5200,
      nginx: 8080,
      cassandra_native: 9042,
      cassandra_internode: [7000, 7001],
    },
    ssh: {
      user: 'root',
      identity: './id_ed25519',
      known_hosts: './known_hosts',
      config: null,
      concurrency: 64,
    },
    hosts: { 'cloud[1-5]': { address: '198.18.7.{n}', vpn: '10.1.{n}.1' } },
    groups: { all: 'cloud[1-5]', web: 'cloud[1-2]', edge: 'cloud3', db: 'cloud[3-5]' },
    services: {
      cassandra: {
        hosts: '@db',
        version: '4.1.5',
        command: [
          '/usr/bin/node',
          '/repo/dist/admin/lab/standins/cassandra.js',
          '--id',
          '{id}',
          '--host',
          '{address}',
          '--port',
          '{native_port}',
          '--ring',
          '198.18.7.3,198.18.7.4,198.18.7.5',
          '--version',
          '{version}',
          '--data-file',
          '{dir}/data/cassandra.{instance}.json',
        ],
        nodetool: [
          '/usr/bin/node',
          '/repo/dist/admin/lab/standins/nodetool.js',
          '--self',
          '{address}',
          '--cassandra-version',
          '{version}',
          '--data-dir',
          '/srv/cassandra/data',
        ],
      },
      hub: {
        hosts: '@web',
        instances: 2,
        version: '1.0.0',
        command: [
          ...app('hub'),
          '--on-term',
          'exit',
          '--cql',
          '198.18.7.3,198.18.7.4,198.18.7.5',
          '--cql-password-file',
          '/tmp/lab-x/secrets/lab/hub',
        ],
      },
      snap: {
        hosts: '@web',
        version: '1.0.0',
        command: [
          ...app('snap'),
          '--snapshots',
          '{dir}/snapshots/snap.{instance}',
          '--snapshot-every',
          '1',
        ],
      },
      nginx: { hosts: '@web', worker_processes: 1 },
      haproxy: { hosts: '@edge', backends: ['hub', 'nginx'] },
    },
    backup: { rules: './backup-rules.yaml' },
  });
  assert.equal(nodeSet('cloud', 1), 'cloud1');
});

test('services.yaml of small labs folds the groups onto the hosts there are, and loads', () => {
  for (const n of [1, 2, 3]) {
    const text = servicesYaml(state(n));
    const inv = parseInventory(text, '/tmp/lab-x/services.yaml', { home: '/nonexistent-home' });
    assert.equal(inv.services.get('haproxy')!.hosts[0], `cloud${Math.min(3, n)}`);
    assert.deepEqual(inv.services.get('hub')!.hosts, n === 1 ? ['cloud1'] : ['cloud1', 'cloud2']);
  }
});

test('ssh_config: one block per host, strict and non-interactive defaults', () => {
  const s = state(2);
  const text = sshConfig(s.dir, s.hosts);
  assert.match(text, /^Host cloud1\n {2}HostName 198\.18\.7\.1$/m);
  for (const line of [
    'StrictHostKeyChecking yes',
    'BatchMode yes',
    'IdentitiesOnly yes',
    'KexAlgorithms curve25519-sha256',
    'UserKnownHostsFile /tmp/lab-x/known_hosts',
    'IdentityFile /tmp/lab-x/id_ed25519',
    'LogLevel ERROR',
    'User root',
  ]) {
    assert.ok(text.includes(`  ${line}\n`), line);
  }
  assert.match(text, /ConnectTimeout \d+/);
  assert.equal(hostsTxt(s.hosts), 'cloud1\ncloud2\n');
});

test('known_hosts, authorized_keys and /etc/hosts list every host', () => {
  const s = state(2);
  const known = knownHosts(s.hosts).trim().split('\n');
  assert.equal(known.length, 2);
  assert.match(known[0]!, /^cloud1,198\.18\.7\.1 ssh-ed25519 AAAA\S+$/);
  const keys = authorizedKeys(s.adminKey, s.hosts).trim().split('\n');
  assert.deepEqual(keys, [s.adminKey, s.hosts[0]!.rootKey, s.hosts[1]!.rootKey]);
  assert.equal(etcHosts(s.hosts), '127.0.0.1 localhost\n198.18.7.1 cloud1\n198.18.7.2 cloud2\n');
});

test('sshd_config keeps MaxSessions at its default and raises MaxStartups', () => {
  const s = state(1);
  const text = sshdConfig(s.dir, s.hosts[0]!);
  assert.ok(!/MaxSessions/.test(text));
  assert.match(text, /^MaxStartups 200:30:400$/m);
  assert.match(text, /^ListenAddress 198\.18\.7\.1:22$/m);
  assert.match(text, /^PidFile \/tmp\/lab-x\/cloud1\/sshd\.pid$/m);
  assert.match(text, /^HostKey \/tmp\/lab-x\/cloud1\/ssh_host_ed25519_key$/m);
});

test('fstab binds the private dirs that exist, and the starter ends in sshd', () => {
  const s = state(1);
  const h = s.hosts[0]!;
  const tab = fstab(s.dir, h, (p) => p !== '/etc/tinc');
  assert.match(tab, /^\/tmp\/lab-x\/cloud1\/srv \/srv none bind 0 0$/m);
  assert.match(tab, /^\/tmp\/lab-x\/cloud1\/root \/root none bind 0 0$/m);
  assert.match(tab, /^\/etc\/netns\/salvo7-cloud1\/hosts \/etc\/hosts none bind 0 0$/m);
  assert.ok(!tab.includes('/etc/tinc'));
  const script = starterScript(s.dir, h);
  assert.match(script, /exec \/usr\/sbin\/sshd -f \/tmp\/lab-x\/cloud1\/sshd_config/);
  assert.match(script, /addr add 198\.18\.7\.1\/24 dev eth0/);
  assert.ok(!/route/.test(script), 'no route is added inside a host');
});

test('makeKeyPair never returns the truncated keys ssh2 1.17 sometimes makes', () => {
  for (let i = 0; i < 600; i++) {
    assert.ok(isWellFormed(makeKeyPair('k').publicKey));
  }
  const good = makeKeyPair('k').publicKey;
  const blob = Buffer.from(good.split(' ')[1]!, 'base64');
  const truncated = Buffer.concat([
    blob.subarray(0, 15),
    Buffer.from([0, 0, 0, 31]),
    blob.subarray(20),
  ]);
  assert.equal(isWellFormed(`ssh-ed25519 ${truncated.toString('base64')}`), false);
});
