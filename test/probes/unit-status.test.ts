// The daemon status verdict, from outputs recorded on a lab host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseReportedVersion, parseUnitStatus } from '../../admin/probes/unit-status.js';
import { recorded } from './helpers.js';

test('a running hub: pid, uptime from ps, the version it reports itself', () => {
  assert.deepEqual(parseUnitStatus(recorded('status-hub-running.txt')), {
    state: 'running',
    pid: 27220,
    uptimeSec: 28,
    version: '1.0.0',
  });
});

test('haproxy and the cassandra stand-in: recorded versions (haproxy -v, the services file)', () => {
  const h = parseUnitStatus(recorded('status-haproxy-running.txt'));
  assert.equal(h.state, 'running');
  assert.equal(h.version, '2.6.12-1+deb12u4');
  assert.deepEqual(parseUnitStatus(recorded('status-cassandra-running.txt')), {
    state: 'running',
    pid: 27085,
    uptimeSec: 30,
    version: '4.1.5',
  });
});

test('a failed start (bad port): stopped, with the log of that start only', () => {
  const h = parseUnitStatus(recorded('status-snap-failed-start.txt'));
  assert.equal(h.state, 'stopped');
  assert.match(h.detail!, /pid 17396 exited/);
  assert.match(h.logTail!, /fatal: bad port "99999"/);
  assert.equal(h.logTail!.split('\n').length, 2, 'older runs are not in the tail');
});

test('running but not listening on its port: unhealthy, with the log tail', () => {
  const h = parseUnitStatus(recorded('status-snap-not-listening.txt'));
  assert.equal(h.state, 'unhealthy');
  assert.equal(h.pid, 20189);
  assert.equal(h.detail, 'not listening on port 5200');
  assert.match(h.logTail!, /listening on 0\.0\.0\.0:5300/);
});

test('cleanly stopped: no pid file, no log tail', () => {
  assert.deepEqual(parseUnitStatus(recorded('status-snap-stopped.txt')), {
    state: 'stopped',
    detail: 'no pid file',
  });
});

test('a pid file naming another program is stale, never "running"', () => {
  const text = recorded('status-hub-running.txt').replace('--- state\nours', '--- state\nother');
  assert.deepEqual(parseUnitStatus(text), {
    state: 'stopped',
    detail: 'pid 27220 runs another program (stale pid file)',
  });
});

test('an HTTP health URL that fails or does not answer makes the unit unhealthy', () => {
  const base = recorded('status-hub-running.txt');
  assert.equal(
    parseUnitStatus(base.replace(/(--- http \S+\n)200/, '$1503')).detail,
    'http://127.0.0.1:5000/alive answered HTTP 503',
  );
  assert.equal(
    parseUnitStatus(base.replace(/(--- http \S+\n)200/, '$1000')).detail,
    'no HTTP answer from http://127.0.0.1:5000/alive',
  );
  assert.equal(
    parseUnitStatus(base.replace(/(--- http \S+\n)200/, '$1-')).state,
    'running',
    'no curl on the host: port and pid decide',
  );
});

test('empty output (nothing ran) is not mistaken for running', () => {
  assert.equal(parseUnitStatus('').state, 'stopped');
});

test('reported versions: JSON or a bare version, nothing else', () => {
  assert.equal(parseReportedVersion('{"version":"2.0.0","pid":1}'), '2.0.0');
  assert.equal(parseReportedVersion('3.1-rc1\n'), '3.1-rc1');
  assert.equal(parseReportedVersion('<html>Not found</html>'), undefined);
  assert.equal(parseReportedVersion(''), undefined);
});
