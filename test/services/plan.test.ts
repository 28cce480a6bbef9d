// Plans are data: for each kind and operation, the steps, where they run and their arguments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { display } from '../../admin/transport/command.js';
import {
  SERVICE_KINDS,
  selectServices,
  selectUnits,
  serviceKind,
} from '../../admin/services/index.js';
import { ConfigError, UsageError } from '../../admin/errors.js';
import { at, inv, scriptArgs, YAML } from './helpers.js';

const I = inv();
const hubUnit = (host: string, instance: number) =>
  serviceKind('hub')
    .units(I, [host])
    .find((u) => u.instance === instance)!;

test('hub restart: drain in haproxy, wait for sessions, stop, start, wait healthy, ready', () => {
  const steps = serviceKind('hub').plan('restart', hubUnit('web2', 1), I, {});
  assert.deepEqual(steps.map(at), [
    'drain hub/web2:1 in haproxy @ edge',
    'wait until hub/web2:1 has no sessions @ edge',
    'stop @ web2',
    'start (version 1.0) @ web2',
    'wait healthy @ web2',
    'set hub/web2:1 ready in haproxy @ edge',
  ]);
  assert.deepEqual(scriptArgs(steps[0]!), [
    '/srv/salvo/t/haproxy/admin.sock',
    'hub',
    'web2:1',
    'drain',
    '0',
  ]);
  assert.deepEqual(scriptArgs(steps[1]!), [
    '/srv/salvo/t/haproxy/admin.sock',
    'hub',
    'web2:1',
    '30',
  ]);
  assert.deepEqual(scriptArgs(steps[2]!), ['/srv/salvo/t/pids/hub.1.pid', '3', 'TERM']);
  assert.deepEqual(scriptArgs(steps[3]!), [
    '/srv/salvo/t/pids/hub.1.pid',
    '/srv/salvo/t/logs/hub.1.log',
    '5001',
    '30',
    '1.0',
    'node',
    '/opt/hub/1.0/hub.js',
    '--port',
    '5001',
    '--id',
    'hub#1@web2',
  ]);
  assert.deepEqual(scriptArgs(steps[4]!), ['http://127.0.0.1:5001/alive', '30', '3']);
  assert.deepEqual(scriptArgs(steps[5]!), [
    '/srv/salvo/t/haproxy/admin.sock',
    'hub',
    'web2:1',
    'ready',
    '20',
  ]);
  assert.equal(
    steps[2]!.timeoutMs,
    3000 + 10_000,
    'the transport deadline leaves the script time to escalate to KILL',
  );
});

test('displayed commands quote every inventory value: `#` and `@` of an id stay one argument', () => {
  const [, , , start] = serviceKind('hub').plan('restart', hubUnit('web1', 0), I, {});
  const text = display(start!.command);
  assert.match(text, /^sh -c 'pidf=\$1 log=\$2 port=\$3 secs=\$4 ver=\$5; shift 5\n/);
  assert.ok(
    text.endsWith(
      " salvo /srv/salvo/t/pids/hub.0.pid /srv/salvo/t/logs/hub.0.log 5000 30 1.0 node /opt/hub/1.0/hub.js --port 5000 --id 'hub#0@web1'",
    ),
    text.slice(-140),
  );
});

test('hub start ends with ready, stop begins with the drain; drain: false plans the bare daemon', () => {
  const u = hubUnit('web1', 0);
  assert.deepEqual(
    serviceKind('hub')
      .plan('start', u, I, {})
      .map((s) => s.name),
    ['start (version 1.0)', 'wait healthy', 'set hub/web1:0 ready in haproxy'],
  );
  assert.deepEqual(
    serviceKind('hub')
      .plan('stop', u, I, {})
      .map((s) => s.name),
    ['drain hub/web1:0 in haproxy', 'wait until hub/web1:0 has no sessions', 'stop'],
  );
  assert.deepEqual(
    serviceKind('hub')
      .plan('restart', u, I, { drain: false })
      .map((s) => s.name),
    ['stop', 'start (version 1.0)', 'wait healthy'],
  );
});

test('upgrade starts the new version: {version} in the argv and the recorded version', () => {
  const steps = serviceKind('hub').plan('upgrade', hubUnit('web1', 0), I, { version: '2.0' });
  const start = steps.find((s) => s.name.startsWith('start'))!;
  assert.equal(start.name, 'start (version 2.0)');
  const args = scriptArgs(start);
  assert.equal(args[4], '2.0');
  assert.ok(args.includes('/opt/hub/2.0/hub.js'));
});

test('snap is not behind haproxy here: plain daemon steps; a string command is split at spaces', () => {
  const [u] = serviceKind('snap').units(I, ['web1']);
  const steps = serviceKind('snap').plan('restart', u!, I, {});
  assert.deepEqual(steps.map(at), [
    'stop @ web1',
    'start (version 1.0) @ web1',
    'wait healthy @ web1',
  ]);
  assert.deepEqual(scriptArgs(steps[1]!).slice(5), ['/opt/snap/snap', '--port', '5200']);
});

test('nginx is a backend of haproxy: drained like a hub', () => {
  const [u] = serviceKind('nginx').units(I);
  assert.deepEqual(serviceKind('nginx').plan('stop', u!, I, {}).map(at), [
    'drain nginx/web1:0 in haproxy @ edge',
    'wait until nginx/web1:0 has no sessions @ edge',
    'stop @ web1',
  ]);
});

test('cassandra: the daemon on the native port, no HTTP; version in the path', () => {
  const [u] = serviceKind('cassandra').units(I, ['db2']);
  const steps = serviceKind('cassandra').plan('restart', u!, I, {});
  assert.deepEqual(steps.map(at), [
    'nodetool drain @ db2',
    'stop @ db2',
    'start (version 4.1.5) @ db2',
  ]);
  assert.deepEqual(scriptArgs(steps[0]!), ['600', 'nodetool', 'drain']);
  assert.deepEqual(
    serviceKind('cassandra').plan('upgrade', u!, I, { version: '4.1.6' }).map(at).slice(0, 2),
    ['snapshot pre-upgrade-4.1.6 @ db2', 'nodetool drain @ db2'],
  );
  assert.deepEqual(serviceKind('cassandra').plan('start', u!, I, {}).map(at), [
    'start (version 4.1.5) @ db2',
  ]);
  assert.deepEqual(scriptArgs(steps[2]!).slice(2), [
    '9042',
    '30',
    '4.1.5',
    '/opt/cassandra/4.1.5/bin/cassandra',
    '-f',
  ]);
});

test('haproxy: start renders and checks the config, restart reloads seamlessly, stop is a soft stop', () => {
  const [u] = serviceKind('haproxy').units(I);
  const k = serviceKind('haproxy');
  assert.deepEqual(k.plan('start', u!, I, {}).map(at), [
    'render haproxy.cfg and check it @ edge',
    'start @ edge',
  ]);
  const restart = k.plan('restart', u!, I, {});
  assert.equal(restart[1]!.name, 'reload (seamless: -x socket -sf old pid)');
  assert.deepEqual(scriptArgs(restart[1]!), [
    '/srv/salvo/t/pids/haproxy.0.pid',
    '/srv/salvo/t/logs/haproxy.0.log',
    '30',
    '8000',
    '/srv/salvo/t/haproxy/admin.sock',
    'reload',
    'haproxy',
    '-D',
    '-f',
    '/srv/salvo/t/haproxy/haproxy.cfg',
    '-p',
    '/srv/salvo/t/pids/haproxy.0.pid',
  ]);
  const [path, text, bin] = scriptArgs(restart[0]!);
  assert.equal(path, '/srv/salvo/t/haproxy/haproxy.cfg');
  assert.match(text!, /server web2:1 10\.0\.1\.2:5001/);
  assert.equal(bin, 'haproxy');
  assert.deepEqual(scriptArgs(k.plan('stop', u!, I, {})[0]!), [
    '/srv/salvo/t/pids/haproxy.0.pid',
    '10',
    'USR1',
  ]);
});

test('health probes: one command per unit on its host; haproxy is checked on its stats page', () => {
  const hub = serviceKind('hub').healthProbe(hubUnit('web1', 1), I);
  assert.equal(hub.host, 'web1');
  const args = scriptArgs({ name: '', host: '', command: hub.command, timeoutMs: 0 });
  assert.deepEqual(args, [
    '/srv/salvo/t/pids/hub.1.pid',
    '/srv/salvo/t/logs/hub.1.log',
    '5001',
    'http://127.0.0.1:5001/alive',
    'http://127.0.0.1:5001/version',
  ]);
  const [hu] = serviceKind('haproxy').units(I);
  const hp = serviceKind('haproxy').healthProbe(hu!, I);
  assert.deepEqual(scriptArgs({ name: '', host: '', command: hp.command, timeoutMs: 0 }).slice(2), [
    '8000',
    'http://127.0.0.1:8404/stats',
    '-',
  ]);
});

test('tinc units are the mesh members; start/stop/restart/upgrade run the tinc control script through the pid file', () => {
  const units = serviceKind('tinc').units(I);
  assert.deepEqual(
    units.map((u) => u.host),
    ['web1', 'web2'],
  );
  const t = units[1]!;
  const args = (op: 'start' | 'stop' | 'restart' | 'upgrade'): string[] => {
    const steps = serviceKind('tinc').plan(op, t, I, {});
    assert.equal(steps.length, 1);
    assert.equal(steps[0]!.host, 'web2');
    return steps[0]!.command.parts.slice(4).map(String);
  };
  assert.deepEqual(args('start'), [
    'tnet',
    '/etc/tinc/tnet',
    '/run/tinc.tnet.pid',
    '/var/log/tinc.tnet.log',
    'tnet',
    '10.9.1.2',
    'start',
  ]);
  assert.equal(args('stop').at(-1), 'stop');
  // A restart names the peers whose links must come back: every other member's VPN address.
  assert.deepEqual(args('restart').slice(6), ['restart', '10.9.1.1']);
  assert.deepEqual(
    args('upgrade').slice(6),
    ['restart', '10.9.1.1'],
    'upgrade restarts onto the installed tincd; the gate checks its version',
  );
  assert.equal(serviceKind('tinc').healthProbe(t, I).command.parts.at(-1), '/run/tinc.tnet.pid');
});

test('vm: steps and gate run on the physical host; a start needs a base image', () => {
  const withVm = inv(YAML.replace('services:\n', 'services:\n  vm: { hosts: "web[1-2]" }\n'));
  const [g] = serviceKind('vm').units(withVm);
  // Placement: a guest keeps its physical host, the rack of the Cassandra node it is, the
  // haproxy backends it serves — a rolling restart of guests keeps those apart.
  const onDb = inv(YAML.replace('services:\n', 'services:\n  vm: { hosts: "web1,db[1-3]" }\n'));
  assert.deepEqual(
    serviceKind('vm')
      .units(onDb)
      .map((u) => [u.host, u.placement]),
    [
      ['db1', { physical: 'cloud1', rack: 'DC1:R1' }],
      ['db2', { physical: 'cloud2', rack: 'DC1:R1' }],
      ['db3', { physical: 'cloud3', rack: 'DC1:R2' }],
      ['web1', { physical: 'cloud1', backends: ['hub', 'nginx'] }],
    ],
  );
  const stop = serviceKind('vm').plan('stop', g!, withVm, {});
  assert.deepEqual(
    stop.map((s) => [s.name, s.host, s.command.parts.at(4)]),
    [['stop', 'cloud1', 'stop']],
  );
  assert.throws(
    () => serviceKind('vm').plan('restart', g!, withVm, {}),
    /web1: the vm service names no base image/,
  );
  const probe = serviceKind('vm').healthProbe(g!, withVm);
  assert.equal(probe.host, 'cloud1');
  assert.ok(probe.command.parts.includes('address=10.0.1.1'));
  // What the physical host prints (recorded from the lab): qemu alive, banner answered → running.
  const kind = serviceKind('vm');
  assert.deepEqual(
    kind.parseHealth(
      'wanted running\nalive yes\npid 4242\nelapsed 17\nssh yes\naccel tcg\ntap yes\nsocket yes\n',
      0,
    ),
    { state: 'running', pid: 4242, uptimeSec: 17 },
  );
  assert.equal(
    kind.parseHealth('wanted running\nalive yes\npid 4242\nelapsed 3\nssh no\n', 0).state,
    'unhealthy',
  );
  assert.deepEqual(
    kind.parseHealth('wanted running\nalive no\naccel tcg\ntap no\nsocket no\n', 0),
    {
      state: 'stopped',
      detail: 'crashed: qemu is gone',
    },
  );
});

test('a kind without `command:` cannot start: a ConfigError at the service, file:line:col', () => {
  const noCmd = inv(
    YAML.replace(
      '  snap: { hosts: "web[1-2]", version: "1.0", command: "/opt/snap/snap --port {port}" }',
      '  snap: { hosts: "web[1-2]" }',
    ),
  );
  const [u] = serviceKind('snap').units(noCmd);
  assert.throws(
    () => serviceKind('snap').plan('start', u!, noCmd, {}),
    (e: Error) =>
      e instanceof ConfigError &&
      /services\.yaml:\d+:3: services\.snap: needs `command:`/.test(e.message),
  );
  assert.equal(
    serviceKind('snap').plan('stop', u!, noCmd, {}).length,
    1,
    'stopping needs no command',
  );
});

test('selection: all is file order; one service must be in the file; units carry placement', () => {
  assert.deepEqual(
    selectServices(I, 'all').map((k) => k.kind),
    ['cassandra', 'hub', 'snap', 'nginx', 'haproxy'],
  );
  assert.throws(
    () =>
      selectServices(
        inv(YAML.replace(/ {2}nginx:.*\n/, '').replace('[hub, nginx]', '[hub]')),
        'nginx',
      ),
    UsageError,
  );
  assert.throws(() => serviceKind('mysql'), UsageError);
  assert.deepEqual(Object.keys(SERVICE_KINDS), [
    'vm',
    'cassandra',
    'hub',
    'snap',
    'haproxy',
    'nginx',
    'tinc',
  ]);
  const units = selectUnits(I, 'all', ['web1', 'db3']);
  assert.deepEqual(
    units.map((u) => `${u.unit.service}#${u.unit.instance}@${u.unit.host}`),
    ['cassandra#0@db3', 'hub#0@web1', 'hub#1@web1', 'snap#0@web1', 'nginx#0@web1'],
  );
  assert.deepEqual(units[0]!.unit.placement, { physical: 'cloud3', rack: 'DC1:R2' });
  assert.deepEqual(units[1]!.unit.placement, { physical: 'cloud1', backends: ['hub'] });
  assert.deepEqual(units[3]!.unit.placement, { physical: 'cloud1' });
});
