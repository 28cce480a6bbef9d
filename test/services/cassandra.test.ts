// The cassandra kind's health: the probe's argv from the services file, and the probe script run
// here under this machine's sh against the lab's Cassandra and nodetool stand-ins on 127.0.0.1
// (no lab needed): Joining first, then UN; a stopped daemon; a nodetool that is not there.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../admin/errors.js';
import { recorded } from '../probes/helpers.js';
import { serviceKind } from '../../admin/services/index.js';
import { RING_STATUS } from '../../admin/services/cassandra/scripts.js';
import { script } from '../../admin/services/daemon/daemon.js';
import { START, STOP } from '../../admin/services/daemon/scripts.js';
import { toShell, type Command } from '../../admin/transport/command.js';
import { inv, scriptArgs, YAML } from './helpers.js';
import { freePorts } from '../support/ports.js';

const kind = serviceKind('cassandra');
const probeArgs = (yaml: string, host: string): string[] => {
  const I = inv(yaml);
  const [u] = kind.units(I, [host]);
  return scriptArgs({
    name: 'probe',
    host,
    timeoutMs: 0,
    command: kind.healthProbe(u!, I).command,
  });
};

test('probe: STATUS evidence of the native port, then the host address and `nodetool status`', () => {
  assert.deepEqual(probeArgs(YAML, 'db2'), [
    '/srv/salvo/t/pids/cassandra.0.pid',
    '/srv/salvo/t/logs/cassandra.0.log',
    '9042',
    '-',
    '-',
    '10.0.3.2',
    '20',
    'nodetool',
    'status',
  ]);
});

test('probe: `nodetool` and `listen_address` options, placeholders filled in, each value one argument', () => {
  const yaml = YAML.replace(
    '"db[1-3]": { vm_on: "cloud{n}", address: "10.0.3.{n}" }',
    '"db[1-3]": { vm_on: "cloud{n}", address: "10.0.3.{n}", vpn: "10.9.3.{n}" }',
  ).replace(
    'topology:',
    'nodetool: ["/opt/cassandra/{version}/bin/nodetool", -h, "{address}", -u, "a b; echo hi"]\n    listen_address: "{vpn}"\n    topology:',
  );
  assert.deepEqual(probeArgs(yaml, 'db3').slice(5), [
    '10.9.3.3',
    '20',
    '/opt/cassandra/4.1.5/bin/nodetool',
    '-h',
    '10.0.3.3',
    '-u',
    'a b; echo hi',
    'status',
  ]);
  assert.throws(
    () => inv(YAML.replace('topology:', 'listen_address: "{vpnn}"\n    topology:')),
    (e: Error) =>
      e instanceof ConfigError &&
      /services\.cassandra\.listen_address: unknown placeholder \{vpnn\}/.test(e.message),
  );
  assert.throws(
    () => probeArgs(YAML.replace('topology:', 'listen_address: "{vpn}"\n    topology:'), 'db1'),
    (e: Error) =>
      e instanceof ConfigError && /cassandra#0@db1: \{vpn\} has no value here/.test(e.message),
  );
});

test('parseHealth: UN running, UJ joining, DN unhealthy, daemon down stopped', () => {
  const daemon = recorded('status-cassandra-running.txt');
  const ring = (self: string, fixture: string): string =>
    `${daemon}--- ring-self\n${self}\n--- nodetool\n${recorded(fixture)
      .split('\n')
      .map((l) => `| ${l}`)
      .join('\n')}\n--- nodetool-exit 20\n0\n`;
  assert.equal(kind.parseHealth(ring('10.0.0.1', 'nodetool-status-4.0.txt'), 0).state, 'running');
  assert.deepEqual(kind.parseHealth(ring('10.1.12.1', 'nodetool-status-joining.txt'), 0), {
    state: 'unhealthy',
    pid: 27085,
    uptimeSec: 30,
    version: '4.1.5',
    detail: 'joining the ring (UJ in nodetool status)',
  });
  assert.equal(
    kind.parseHealth(ring('10.2.14.2', 'nodetool-status-two-dcs.txt'), 0).detail,
    'nodetool status calls it down (DN)',
  );
  assert.deepEqual(kind.parseHealth(recorded('status-snap-stopped.txt'), 0), {
    state: 'stopped',
    detail: 'no pid file',
  });
});

const STANDINS = fileURLToPath(new URL('../../admin/lab/standins/', import.meta.url));
const sh = (c: Command): string =>
  spawnSync('sh', ['-c', toShell(c)], { encoding: 'utf8', timeout: 30_000 }).stdout;

test('the probe script on stand-ins: unhealthy while joining, running once UN, stopped after stop', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-cassandra-'));
  const pidf = join(dir, 'pids/cassandra.0.pid');
  const log = join(dir, 'logs/cassandra.0.log');
  const state = join(dir, 'run/cassandra.0.json');
  const port = await freePorts();
  const node = [
    process.execPath,
    join(STANDINS, 'cassandra.js'),
    '--id',
    'c#0',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--version',
    '4.1.5',
    '--ring',
    '127.0.0.1',
    '--internode-port',
    String(port + 1),
    '--jmx-port',
    String(port + 2),
    '--data-file',
    state,
    '--join-ms',
    '4000',
  ];
  const nodetool = [
    process.execPath,
    join(STANDINS, 'nodetool.js'),
    '--self',
    '127.0.0.1',
    '--jmx-port',
    String(port + 2),
    '--cassandra-version',
    '4.1.5',
  ];
  const health = (tool = nodetool) =>
    kind.parseHealth(
      sh(script(RING_STATUS, pidf, log, port, '-', '-', '127.0.0.1', 20, ...tool, 'status')),
      0,
    );
  try {
    assert.match(sh(script(START, pidf, log, port, 10, '4.1.5', ...node)), /^started/);
    const started = Date.now();
    // One sample, and a join long enough that a loaded machine still probes inside it.
    const joining = health();
    assert.deepEqual(
      [joining.state, joining.detail],
      ['unhealthy', 'joining the ring (UJ in nodetool status)'],
    );
    let h = health();
    while (h.state !== 'running' && Date.now() - started < 20_000) {
      h = health();
    }
    assert.equal(h.state, 'running', h.detail);
    assert.ok(Date.now() - started >= 3000, 'running only once the join is over');
    assert.equal(h.version, '4.1.5');
    const missing = health(['/nonexistent/nodetool']);
    assert.equal(missing.state, 'unhealthy');
    assert.match(missing.detail!, /^nodetool status failed \(exit 127\): .*nonexistent\/nodetool/);
  } finally {
    sh(script(STOP, pidf, 5, 'TERM')); // by the recorded pid only
  }
  try {
    const out = sh(
      script(RING_STATUS, pidf, log, port, '-', '-', '127.0.0.1', 20, ...nodetool, 'status'),
    );
    assert.match(out, /--- nodetool-exit 20\n-\n/, 'nodetool is not run for a daemon that is down');
    assert.equal(kind.parseHealth(out, 0).state, 'stopped');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
