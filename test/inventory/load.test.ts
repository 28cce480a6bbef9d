// A valid file loads with every value expanded, defaulted and resolved.
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { test } from 'node:test';
import { loadInventory } from '../../admin/inventory/load.js';
import { parseInventory } from '../../admin/inventory/parse.js';
import { HOME, fixture, issuesOf, load, MINIMAL } from './helpers.js';

const file = fixture('valid.yaml');
const dir = dirname(file);
const inv = await loadInventory(file, { home: HOME });

test('hosts: node sets expanded in file order, {n} filled in, address defaults to the name', () => {
  assert.deepEqual([...inv.hosts.keys()], ['node01', 'node02', 'node03', 'db1', 'db2', 'edge']);
  const node02 = inv.hosts.get('node02')!;
  assert.deepEqual(
    { ...node02, pos: undefined },
    {
      name: 'node02',
      n: 2,
      address: '10.0.0.2',
      vpn: '10.1.2.1',
      port: 222,
      vars: { rack: 'r2', disks: ['/dev/vd2'] },
      pos: undefined,
    },
  );
  assert.deepEqual(node02.pos, { file, line: 19, col: 3 });
  assert.equal(inv.hosts.get('db2')!.vmOn, 'node02');
  assert.equal(inv.hosts.get('db2')!.user, 'root');
  assert.deepEqual(
    { ...inv.hosts.get('edge')!, pos: undefined },
    { name: 'edge', n: null, address: 'edge.example.org', vars: {}, pos: undefined },
  );
});

test('groups resolve through other groups', () => {
  assert.deepEqual(Object.fromEntries(inv.groups), {
    web: ['node01', 'node02'],
    front: ['edge', 'node01', 'node02'],
  });
});

test('services keep file order; hosts, ports and defaults are filled in', () => {
  assert.deepEqual([...inv.services.keys()], ['hub', 'vm', 'cassandra', 'haproxy']);
  const hub = inv.services.get('hub')!;
  assert.deepEqual(hub.hosts, ['node01', 'node02']);
  assert.equal(hub.hostsExpr, '@web');
  assert.deepEqual(hub.options, { instances: 3 });
  assert.deepEqual(hub.ports, {
    port: { name: 'hub', numbers: [5000, 5001, 5002] },
    proxy_port: { name: 'hub_proxy', numbers: [5010, 5011, 5012] },
  });
  assert.deepEqual(hub.pos, { file, line: 26, col: 3 });
  const ring = inv.services.get('cassandra')!;
  assert.deepEqual(ring.options, { version: '4.1.5', cluster_name: 'lab', seeds: ['db1', 'db2'] });
  assert.deepEqual(ring.ports.internode_port, {
    name: 'cassandra_internode',
    numbers: [7000, 7001],
  });
  assert.deepEqual(inv.services.get('haproxy')!.options, { backends: ['hub'] });
});

test('compute_servers: unquoted on / no-new / off, one entry per host', () => {
  assert.deepEqual(Object.fromEntries(inv.computeServers), {
    node01: 'on',
    node02: 'no-new',
    node03: 'off',
  });
});

test('ssh: ~ and relative paths resolved, timeout in ms, config null means none', () => {
  assert.deepEqual(inv.ssh, {
    user: 'admin',
    identity: join(HOME, '.ssh/lab_key'),
    knownHosts: [join(dir, 'conf/known_hosts'), '/etc/ssh/ssh_known_hosts'],
    concurrency: 64,
    connectTimeoutMs: 2500,
    channelsPerConnection: 8,
    config: null, // none: neither an ssh_config nor OpenSSH's known_hosts files
  });
});

test('tinc and backup', () => {
  assert.deepEqual(inv.tinc, {
    netname: 'labnet',
    connectTo: 'all',
    port: 6655,
    hosts: ['node01', 'node02', 'node03', 'db1', 'db2'],
  });
  assert.deepEqual(inv.backup, { rules: join(dir, 'backup/rules.yaml') });
  assert.equal(inv.file, file);
  assert.equal(inv.dir, dir);
});

test('defaults: ssh settings, known_hosts beside the file, no tinc or backup', () => {
  const min = load(MINIMAL);
  assert.deepEqual(min.ssh, {
    user: 'root',
    knownHosts: [join(process.cwd(), 'conf/known_hosts')],
    concurrency: 64,
    connectTimeoutMs: 10_000,
    channelsPerConnection: 8,
  });
  assert.equal(min.tinc, undefined);
  assert.equal(min.backup, undefined);
  assert.deepEqual(min.ports, {});
});

test('ssh.config defaults to ~/.ssh/config only when that file exists', async (t) => {
  const home = await mkdtemp(join(tmpdir(), 'salvo-home-'));
  t.after(() => rm(home, { recursive: true, force: true }));
  const text = MINIMAL;
  assert.equal(parseInventory(text, 'services.yaml', { home }).ssh.config, undefined);
  await mkdir(join(home, '.ssh'));
  await writeFile(join(home, '.ssh/config'), 'Host *\n');
  assert.equal(
    parseInventory(text, 'services.yaml', { home }).ssh.config,
    join(home, '.ssh/config'),
  );
  assert.equal(
    parseInventory(`${text}ssh: { config: null }\n`, 'services.yaml', { home }).ssh.config,
    null,
  );
});

test('the example services.yaml of the repository loads cleanly', async () => {
  const example = await loadInventory(join(dirname(fixture('x')), '../../../services.yaml'), {
    home: HOME,
  });
  assert.equal(example.deployment, 'storm');
  assert.equal(example.hosts.size, 31);
  assert.deepEqual(example.services.get('hub')!.options.instances, 2);
  assert.equal(example.services.get('hub')!.options.version, '2024.05.1');
  assert.deepEqual(example.services.get('cassandra')!.options.gate, { timeout: 3600 });
  assert.equal(example.computeServers.get('cloud21'), 'off');
});

test('a file that cannot be read is a ConfigError at 1:1', async () => {
  const lines = await issuesAsync(() => loadInventory('/nonexistent/services.yaml'));
  assert.equal(lines.length, 1);
  assert.match(
    lines[0]!,
    /^\/nonexistent\/services\.yaml:1:1: cannot read services file: ENOENT: no such file or directory/,
  );
});

async function issuesAsync(run: () => Promise<unknown>): Promise<string[]> {
  try {
    await run();
  } catch (err) {
    return issuesOf(() => {
      throw err;
    });
  }
  return assert.fail('expected a ConfigError');
}
