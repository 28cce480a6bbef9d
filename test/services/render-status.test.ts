// `salvo status` rendering: rows folded by (service, state, version, detail), log tails below.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatUptime } from '../../admin/cli/render/duration.js';
import {
  foldUnits,
  renderStatus,
  statusExitCode,
  statusJsonLine,
} from '../../admin/cli/render/rollout/status.js';
import type { UnitStatus } from '../../admin/services/observe.js';

const unit = (service: string, host: string, instance = 0) => ({
  service,
  host,
  instance,
  placement: {},
});
const running = (service: string, host: string, instance = 0, extra = {}): UnitStatus => ({
  unit: unit(service, host, instance),
  health: { state: 'running', pid: 1000 + instance, uptimeSec: 3700, version: '1.0', ...extra },
});

test('200 identical hubs print as one row; a lone unit shows its pid', () => {
  const hubs = Array.from({ length: 100 }, (_, i) => [
    running('hub', `web${i + 1}`, 0),
    running('hub', `web${i + 1}`, 1),
  ]).flat();
  const text = renderStatus([...hubs, running('haproxy', 'edge', 0, { version: '2.6' })]);
  assert.equal(
    text,
    [
      'SERVICE  STATE    UNITS                  PID   UPTIME  VERSION  DETAIL',
      'hub      running  #0-1 web[1-100] (200)  -     1h1m    1.0',
      'haproxy  running  edge (1)               1000  1h1m    2.6',
      '',
    ].join('\n'),
  );
});

test('trouble stands out: its own row, detail, and the log tail under the table', () => {
  const failed: UnitStatus = {
    unit: unit('snap', 'web2'),
    health: { state: 'stopped', detail: 'pid 9 exited', logTail: 'fatal: bad port "99999"' },
  };
  const lost: UnitStatus = { unit: unit('snap', 'web3'), error: 'web3: connection refused' };
  const statuses = [running('snap', 'web1'), failed, lost];
  const text = renderStatus(statuses);
  assert.match(text, /^snap +stopped +web2 \(1\) +- +- +- +pid 9 exited$/m);
  assert.match(text, /^snap +unreachable +web3 \(1\) .*web3: connection refused$/m);
  assert.match(text, /\nsnap#0@web2 stopped: pid 9 exited\n {2}\| fatal: bad port "99999"\n$/);
  assert.equal(statusExitCode(statuses), 3);
  assert.equal(statusExitCode([running('snap', 'web1'), failed]), 1);
  assert.equal(statusExitCode([running('snap', 'web1')]), 0);
  assert.deepEqual(JSON.parse(statusJsonLine(failed)), {
    unit: 'snap#0@web2',
    service: 'snap',
    host: 'web2',
    instance: 0,
    state: 'stopped',
    pid: null,
    uptimeSec: null,
    version: null,
    detail: 'pid 9 exited',
    logTail: 'fatal: bad port "99999"',
    leftBy: null,
  });
});

test('units fold per instance when the hosts differ; uptimes read like ps', () => {
  const statuses = [
    running('hub', 'web1', 0),
    running('hub', 'web2', 0),
    running('hub', 'web2', 1),
  ];
  assert.equal(foldUnits(statuses, true), '#0 web[1-2], #1 web2');
  assert.equal(foldUnits(statuses.slice(0, 2), false), 'web[1-2]');
  assert.deepEqual([5, 125, 7300, 200000].map(formatUptime), ['5s', '2m', '2h1m', '2d7h']);
  assert.equal(renderStatus([]), 'no units: the services file runs nothing there\n');
});
