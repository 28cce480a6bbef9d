// Bounded inputs (issue 10): every duration and count in the services file and on the command
// line has a documented maximum and a located error past it; names are host names; vm_on makes
// no cycle; loading is linear in the number of hosts. The probe's cases, one by one.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../admin/errors.js';
import { durationMs, parseDuration } from '../../admin/deployment/duration.js';
import { MAX_DURATION_MS } from '../../admin/inventory/schema/limits.js';
import { issues, load, yaml } from './helpers.js';

test('durations past 24 days are refused where they are written (Node timers overflow at 2^31-1 ms)', () => {
  assert.ok(MAX_DURATION_MS < 2 ** 31 - 1);
  assert.deepEqual(
    issues(yaml`
    deployment: t
    ssh: { connect_timeout: 3000000 }
    hosts: { "web[1-2]": {} }
    ports: { hub: 5000, hub_proxy: 5100 }
    services:
      hub: { hosts: "web[1-2]", gate: { timeout: 3000000, interval: 2073601 }, stop_timeout: 1e12 }
  `),
    [
      'services.yaml:2:25: ssh.connect_timeout: at most 2073600 seconds (24 days; longer timers overflow)',
      'services.yaml:6:46: services.hub.gate.timeout: at most 2073600 seconds (24 days; longer timers overflow)',
      'services.yaml:6:65: services.hub.gate.interval: at most 2073600 seconds (24 days; longer timers overflow)',
      'services.yaml:6:90: services.hub.stop_timeout: at most 2073600 seconds (24 days; longer timers overflow)',
    ],
  );
  // 24 days exactly is fine.
  load(yaml`
    deployment: t
    ssh: { connect_timeout: 2073600 }
    hosts: { cloud1: {} }
  `);
});

test('durations on the command line and in library options: the same maximum', () => {
  assert.equal(parseDuration('24h', '--timeout'), 86_400_000);
  assert.equal(parseDuration('576h', '--timeout'), MAX_DURATION_MS);
  for (const text of ['577h', '3000000', '99999999999999999999m']) {
    assert.throws(
      () => parseDuration(text, '--timeout'),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message ===
          `--timeout: at most 2073600 seconds (24 days; longer timers overflow), got "${text}"`,
    );
  }
  assert.throws(() => durationMs(3_000_000_000, 'timeout'), /timeout: at most 2073600 seconds/);
  assert.throws(() => parseDuration('0', '--wait'), /must be greater than zero/);
});

test('instances and counts are bounded; a huge one fails fast with its place', () => {
  const started = Date.now();
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { "web[1-2]": {} }
    ports: { hub: 5000, hub_proxy: 5100 }
    services:
      hub: { hosts: "web[1-2]", instances: 100000000, gate: { passes: 100000000 } }
  `),
    [
      'services.yaml:5:40: services.hub.instances: at most 1000 instances per host',
      'services.yaml:5:67: services.hub.gate.passes: at most 10000',
    ],
  );
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`);
});

test('a base port plus its instances must stay a port (hub: 65530 with 10 instances)', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { "web[1-2]": {} }
    ports: { hub: 65530, hub_proxy: 5100 }
    services:
      hub: { hosts: "web[1-2]", instances: 10 }
  `),
    [
      'services.yaml:5:40: services.hub.instances: 10 instances listen on ports.hub (65530) + 0…9, up to 65539: past 65535',
    ],
  );
});

test('vm_on: a cycle and a dangling reference are refused', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts:
      vm1: { vm_on: vm2 }
      vm2: { vm_on: vm1 }
      vm3: { vm_on: cloud9 }
      cloud1: {}
  `),
    [
      'services.yaml:3:17: hosts.vm1.vm_on: vm_on makes a cycle: vm1 → vm2 → vm1 (a VM runs on a physical host)',
      'services.yaml:5:17: hosts.vm3.vm_on: host cloud9 is not defined under hosts (vm_on of vm3)',
    ].sort(),
  );
});

test('host names are restricted to what DNS and ssh accept (the rule is in the message)', () => {
  for (const bad of ['cloud1;x', '"cloud$(reboot)"', '"-oProxyCommand=x"', 'a..b', '"cloud`id`"']) {
    const lines = issues(`deployment: t\nhosts:\n  ${bad}: {}\n`);
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(
      lines[0]!,
      /^services\.yaml:3:3: hosts\..*: host name ".*" is not a host name: letters, digits, `-` and `_` in dot-separated labels/,
    );
  }
  load('deployment: t\nhosts:\n  "cloud[1-3]": {}\n  db-1.example.com: {}\n  vm_1: {}\n');
});

test('loading is linear in hosts: 100,000 hosts listed one by one', () => {
  // CPU time, not wall time: the test machine may be loaded. 25,000 then 100,000 hosts: a linear
  // loader takes ~4× as long (the quadratic one took 16×: 50,000 hosts were 56 s).
  const cpu = (n: number): number => {
    const lines = Array.from(
      { length: n },
      (_, i) => `  h${i}: { address: 10.${i >> 16}.${(i >> 8) & 255}.${i & 255} }`,
    );
    const text = `deployment: t\nhosts:\n${lines.join('\n')}\n`;
    const before = process.cpuUsage();
    const inv = load(text);
    const used = process.cpuUsage(before);
    assert.equal(inv.hosts.size, n);
    return (used.user + used.system) / 1000;
  };
  cpu(2000); // warm up the JIT
  const small = cpu(25_000);
  const big = cpu(100_000);
  assert.ok(big / small < 8, `25,000 hosts: ${small} ms of CPU, 100,000: ${big} ms`);
  assert.ok(big < 10_000, `100,000 hosts took ${big} ms of CPU`);
});
