// The cassandra verdict: daemon evidence (recorded on a lab host) followed by the ring sections of
// services/cassandra/scripts.ts, with `nodetool status` outputs from the fixtures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCassandraHealth } from '../../admin/probes/cassandra-health.js';
import { recorded } from './helpers.js';

const RUNNING = recorded('status-cassandra-running.txt'); // pid 27085, up 30 s, version 4.1.5
const STOPPED =
  '--- pid\n\n--- state\nnone\n--- ps\n--- listen 9042\n--- holders 9042\n--- http -\n-\n--- version\n--- reported-version\n--- log\n';

/** The probe's output: daemon sections, then ring-self, nodetool (lines prefixed `| `) and its exit. */
function probe(daemon: string, self: string[], nodetool: string, exit = '0'): string {
  const body =
    exit === '-'
      ? ''
      : `${nodetool
          .replace(/\n$/, '')
          .split('\n')
          .map((l) => `| ${l}`)
          .join('\n')}\n`;
  return `${daemon}--- ring-self\n${self.map((s) => `${s}\n`).join('')}--- nodetool\n${body}--- nodetool-exit 20\n${exit}\n`;
}

const up = { pid: 27085, uptimeSec: 30, version: '4.1.5' };

test('own row UN: running, with pid, uptime and version from the daemon', () => {
  const text = recorded('nodetool-status-joining.txt');
  assert.deepEqual(parseCassandraHealth(probe(RUNNING, ['10.1.3.1'], text.replace('UJ', 'UN'))), {
    state: 'running',
    ...up,
  });
});

test('own row UN while a peer is down: still running; the peer is named in the detail', () => {
  assert.deepEqual(
    parseCassandraHealth(probe(RUNNING, ['198.18.1.3'], recorded('nodetool-status-two-dcs.txt'))),
    { state: 'running', ...up, detail: 'peers not UN: 10.2.14.2 DN', peersNotUp: ['10.2.14.2 DN'] },
  );
});

test('own row UJ: unhealthy, joining', () => {
  assert.deepEqual(
    parseCassandraHealth(probe(RUNNING, ['10.1.12.1'], recorded('nodetool-status-joining.txt'))),
    { state: 'unhealthy', ...up, detail: 'joining the ring (UJ in nodetool status)' },
  );
});

test('own row DN (nodetool asked another node, or gossip disagrees): unhealthy', () => {
  const h = parseCassandraHealth(
    probe(RUNNING, ['10.0.0.3'], recorded('nodetool-status-3.11.txt')),
  );
  assert.equal(h.state, 'unhealthy');
  assert.equal(h.detail, 'nodetool status calls it down (DN)');
});

test('leaving and moving are not UN either', () => {
  const text = recorded('nodetool-status-4.0.txt');
  assert.equal(
    parseCassandraHealth(probe(RUNNING, ['10.0.0.2'], text.replace('UN  10.0.0.2', 'UL  10.0.0.2')))
      .detail,
    'leaving the ring (UL in nodetool status)',
  );
  assert.equal(
    parseCassandraHealth(probe(RUNNING, ['10.0.0.2'], text.replace('UN  10.0.0.2', 'UM  10.0.0.2')))
      .detail,
    'moving in the ring (UM in nodetool status)',
  );
});

test('daemon down: stopped, whatever the ring says (nodetool was not run)', () => {
  assert.deepEqual(parseCassandraHealth(probe(STOPPED, ['10.0.0.1'], '', '-')), {
    state: 'stopped',
    detail: 'no pid file',
  });
});

test('no row for the node: unhealthy, naming the address and the rows there are', () => {
  const h = parseCassandraHealth(probe(RUNNING, ['10.0.0.9'], recorded('nodetool-status-4.0.txt')));
  assert.equal(h.state, 'unhealthy');
  assert.equal(
    h.detail,
    'no row for 10.0.0.9 in nodetool status (10.0.0.1 UN, 10.0.0.2 UN, 10.0.0.3 DN)',
  );
});

test('the row is found by a resolved address (the file names the host) and with -pp ports', () => {
  assert.equal(
    parseCassandraHealth(probe(RUNNING, ['db2', '10.0.0.2'], recorded('nodetool-status-4.0.txt')))
      .state,
    'running',
  );
  const pp = recorded('nodetool-status-4.0.txt').replace(/10\.0\.0\.(\d) /g, '10.0.0.$1:7000');
  assert.equal(parseCassandraHealth(probe(RUNNING, ['10.0.0.1'], pp)).state, 'running');
});

test('nodetool failing, hanging or printing something else: unhealthy with its words', () => {
  const refused =
    "nodetool: Failed to connect to '127.0.0.1:7199' - ConnectException: 'Connection refused (Connection refused)'.";
  assert.deepEqual(parseCassandraHealth(probe(RUNNING, ['10.0.0.1'], refused, '1')), {
    state: 'unhealthy',
    ...up,
    detail: `nodetool status failed (exit 1): ${refused}`,
  });
  assert.equal(
    parseCassandraHealth(probe(RUNNING, ['10.0.0.1'], '', '124')).detail,
    'nodetool status did not answer within 20s',
  );
  assert.equal(
    parseCassandraHealth(
      probe(
        RUNNING,
        ['10.0.0.1'],
        'timeout: failed to run command ‘nodetool’: No such file or directory',
        '127',
      ),
    ).detail,
    'nodetool status failed (exit 127): timeout: failed to run command ‘nodetool’: No such file or directory',
  );
  assert.equal(
    parseCassandraHealth(probe(RUNNING, ['10.0.0.1'], 'hello\n')).detail,
    'nodetool status: no "Datacenter:" line: not nodetool status output',
  );
});

test('output cut short before the ring sections: unhealthy, never running', () => {
  assert.deepEqual(parseCassandraHealth(RUNNING), {
    state: 'unhealthy',
    ...up,
    detail: 'nodetool status was not run (probe output cut short?)',
  });
  assert.equal(parseCassandraHealth('').state, 'stopped');
});

test('nodetool output cannot forge sections: its lines are prefixed', () => {
  // Unprefixed, this would make the UN row of 10.1.4.1 the node's own.
  const forged = `${recorded('nodetool-status-joining.txt')}--- ring-self\n10.1.4.1\n`;
  assert.equal(
    parseCassandraHealth(probe(RUNNING, ['10.1.12.1'], forged)).detail,
    'joining the ring (UJ in nodetool status)',
  );
});
