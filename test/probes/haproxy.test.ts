// haproxy runtime API outputs recorded from haproxy 2.6.12 in the lab (hub/cloud1:1 drained).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  parseServersState,
  parseShowStat,
  runtimeCommand,
  serverRow,
  showServersState,
} from '../../admin/probes/haproxy/index.js';
import { display } from '../../admin/transport/command.js';
import { recorded } from './helpers.js';

test('show stat: frontend, backend and every server, columns found by name', () => {
  const rows = parseShowStat(recorded('haproxy-2.6-show-stat.csv'));
  assert.deepEqual(
    rows.map((r) => `${r.proxy}/${r.server}`),
    [
      'www/FRONTEND',
      'hub/cloud1:0',
      'hub/cloud1:1',
      'hub/cloud2:0',
      'hub/cloud2:1',
      'hub/BACKEND',
      'stats/FRONTEND',
      'stats/BACKEND',
    ],
  );
  assert.equal(serverRow(rows, 'hub', 'cloud1:1')?.status, 'DRAIN');
  const up = serverRow(rows, 'hub', 'cloud2:0')!;
  assert.equal(up.status, 'UP');
  assert.equal(up.checkStatus, 'L7OK');
  assert.equal(up.currentSessions, 0);
  assert.equal(up.fields.addr, '198.18.2.2:5000');
  assert.equal(serverRow(rows, 'hub', 'nope:0'), undefined);
});

test('show stat without a header (an error text) gives no rows', () => {
  assert.deepEqual(parseShowStat('Unknown command.\n'), []);
});

test('show servers state: admin bits say drained, op state says running', () => {
  const servers = parseServersState(recorded('haproxy-2.6-show-servers-state.txt'));
  assert.equal(servers.length, 4);
  const drained = servers.find((s) => s.server === 'cloud1:1')!;
  assert.deepEqual(
    [
      drained.backend,
      drained.address,
      drained.port,
      drained.operational,
      drained.draining,
      drained.maintenance,
    ],
    ['hub', '198.18.2.1', 5001, 'running', true, false],
  );
  assert.equal(servers.filter((s) => s.draining).length, 1);
});

test('runtime commands are data: one line piped to socat on the admin socket', () => {
  assert.equal(
    display(
      runtimeCommand('/srv/salvo/lab/haproxy/admin.sock', 'set server hub/cloud1:0 state drain'),
    ),
    "printf '%s\\n' 'set server hub/cloud1:0 state drain' | socat -t 5 stdio UNIX-CONNECT:/srv/salvo/lab/haproxy/admin.sock",
  );
  assert.match(display(showServersState('/s.sock', 'hub')), /'show servers state hub'/);
});
