// The nginx kind's plans as data: which steps, where, and the positional arguments each script
// gets (every value from the services file is one argument, never shell text).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serviceKind } from '../../../admin/services/index.js';
import { renderNginxConfig, nginxConfigFrom } from '../../../admin/services/nginx/config.js';
import { at, inv, scriptArgs, YAML } from '../helpers.js';

const I = inv();
const k = serviceKind('nginx');
const [u] = k.units(I);
const CFG = '/srv/salvo/t/nginx/nginx.conf';
const PID = '/srv/salvo/t/pids/nginx.0.pid';
const LOG = '/srv/salvo/t/logs/nginx.0.log';

test('nginx start: render and check the config, start, wait healthy, ready in haproxy', () => {
  const steps = k.plan('start', u!, I, {});
  assert.deepEqual(steps.map(at), [
    'render nginx.conf and check it @ web1',
    'start @ web1',
    'wait healthy @ web1',
    'set nginx/web1:0 ready in haproxy @ edge',
  ]);
  assert.deepEqual(scriptArgs(steps[0]!), [
    CFG,
    renderNginxConfig(nginxConfigFrom(I, u!)),
    '/srv/salvo/t/static',
    LOG,
    PID,
    'nginx',
  ]);
  assert.deepEqual(scriptArgs(steps[1]!), [
    PID,
    LOG,
    '30',
    '8080',
    'start',
    'nginx',
    '-e',
    LOG,
    '-c',
    CFG,
  ]);
  assert.deepEqual(scriptArgs(steps[2]!), ['http://127.0.0.1:8080/alive', '30', '3']);
});

test('nginx restart and upgrade: render, then reload by HUP (no stop, no drain), wait healthy, ready', () => {
  for (const op of ['restart', 'upgrade'] as const) {
    const steps = k.plan(op, u!, I, { version: '1.22.1' });
    assert.deepEqual(
      steps.map((s) => s.name),
      [
        'render nginx.conf and check it',
        'reload (HUP: new workers, the old ones finish)',
        'wait healthy',
        'set nginx/web1:0 ready in haproxy',
      ],
      op,
    );
    assert.deepEqual(scriptArgs(steps[1]!).slice(0, 5), [PID, LOG, '30', '8080', 'reload']);
  }
});

test('nginx stop: drained in haproxy first, then QUIT through the pid file; drain: false is the bare stop', () => {
  const steps = k.plan('stop', u!, I, {});
  assert.deepEqual(steps.map(at), [
    'drain nginx/web1:0 in haproxy @ edge',
    'wait until nginx/web1:0 has no sessions @ edge',
    'stop @ web1',
  ]);
  assert.deepEqual(scriptArgs(steps[2]!), [PID, '10']);
  assert.equal(steps[2]!.timeoutMs, 10_000 + 10_000, 'time for QUIT, then KILL');
  assert.deepEqual(
    k.plan('stop', u!, I, { drain: false }).map((s) => s.name),
    ['stop'],
  );
  assert.deepEqual(
    k.plan('restart', u!, I, { drain: false }).map((s) => s.name),
    [
      'render nginx.conf and check it',
      'reload (HUP: new workers, the old ones finish)',
      'wait healthy',
    ],
  );
});

test('nginx not behind haproxy: no haproxy steps; timeouts from the file', () => {
  const J = inv(
    YAML.replace('backends: [hub, nginx]', 'backends: [hub]').replace(
      '  nginx: { hosts: "web1" }',
      '  nginx: { hosts: "web1", start_timeout: 5, stop_timeout: 2 }',
    ),
  );
  const [v] = k.units(J);
  assert.deepEqual(
    k.plan('start', v!, J, {}).map((s) => s.name),
    ['render nginx.conf and check it', 'start', 'wait healthy'],
  );
  assert.equal(scriptArgs(k.plan('start', v!, J, {})[1]!)[2], '5');
  assert.deepEqual(scriptArgs(k.plan('stop', v!, J, {})[0]!), [PID, '2']);
});

test('nginx health probe: the daemon STATUS evidence on its port with GET /alive', () => {
  const probe = k.healthProbe(u!, I);
  assert.equal(probe.host, 'web1');
  const parts = probe.command.parts.map(String);
  assert.deepEqual(parts.slice(4), [PID, LOG, '8080', 'http://127.0.0.1:8080/alive', '-']);
});
