// Who holds a unit's port (the holders section of the daemon STATUS script), and the verdicts
// that follow: a squatter on the port is named, and never makes a unit "running".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeHolders, heldByUnit, parsePortHolders } from '../../admin/probes/port-holders.js';
import { parseUnitStatus } from '../../admin/probes/unit-status.js';
import { recorded } from './helpers.js';

const SQUATTER = '/usr/bin/node -e require("net").createServer().listen(5000)';

test('holder lines: pid, session, command line (trailing space of the NUL-joined argv dropped)', () => {
  assert.deepEqual(parsePortHolders([`7116 7116 ${SQUATTER} `, '  42 40 ', 'junk', '']), [
    { pid: 7116, session: 7116, command: SQUATTER },
    { pid: 42, session: 40, command: '' },
  ]);
});

test('a unit holds its port itself or through a process of its session (a child it forked)', () => {
  assert.ok(heldByUnit([{ pid: 900, session: 900, command: 'node app.js' }], 900));
  assert.ok(heldByUnit([{ pid: 901, session: 900, command: 'node worker.js' }], 900));
  assert.ok(!heldByUnit([{ pid: 7116, session: 7116, command: SQUATTER }], 900));
  assert.ok(!heldByUnit([], 900));
});

test('holders in words', () => {
  assert.equal(
    describeHolders([
      { pid: 7, session: 7, command: 'nc -l 5000' },
      { pid: 8, session: 7, command: '' },
    ]),
    'pid 7 (nc -l 5000), pid 8',
  );
  assert.match(describeHolders([]), /^a process not visible here/);
});

test('a hub that runs while a squatter holds its port: unhealthy, the holder named', () => {
  const h = parseUnitStatus(recorded('status-hub-port-held.txt'));
  assert.equal(h.state, 'unhealthy');
  assert.equal(h.pid, 12094);
  assert.equal(h.detail, `port 5000 is held by pid 12139 (${SQUATTER}), not by pid 12094`);
  assert.match(h.logTail!, /listening on 0\.0\.0\.0:5010/);
});

test('a stopped hub whose port a squatter holds: stopped, and the detail says who is in the way', () => {
  assert.deepEqual(parseUnitStatus(recorded('status-hub-stopped-port-held.txt')), {
    state: 'stopped',
    detail: `no pid file; port 5000 is held by pid 12139 (${SQUATTER})`,
  });
});

test("the unit's own session holding the port is running; output without a holders section is judged as before", () => {
  const base = recorded('status-hub-running.txt');
  const withHolders = base.replace(
    '--- http',
    '--- holders 5000\n27231 27220 /usr/bin/node worker.js\n--- http',
  );
  assert.equal(parseUnitStatus(withHolders).state, 'running');
  assert.equal(parseUnitStatus(base).state, 'running');
  const squatted = base.replace('--- http', '--- holders 5000\n555 555 nc -l 5000\n--- http');
  assert.equal(
    parseUnitStatus(squatted).detail,
    'port 5000 is held by pid 555 (nc -l 5000), not by pid 27220',
  );
});
