// ps (procps-ng 4.0.2) and /proc/net/tcp as recorded on a lab host.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePs, psCommand } from '../../admin/probes/ps.js';
import { listensOn, parseProcNetTcp } from '../../admin/probes/proc-net-tcp.js';
import { parseGuestUptime } from '../../admin/services/vm.js';
import { display } from '../../admin/transport/command.js';
import { recorded } from './helpers.js';

test('ps -o pid=,etimes=,args=: pid, elapsed seconds, the whole command line', () => {
  const rows = parsePs(recorded('ps-pid-etimes-args.txt'));
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[0], {
    pid: 27220,
    elapsedSec: 20,
    args: '/usr/bin/node /work/main/dist/admin/lab/standins/app.js --kind hub --id hub#0@cloud1 --port 5000 --version 1.0.0',
  });
  assert.equal(rows[1]!.pid, 1);
  assert.equal(display(psCommand(42)), 'ps -o pid=,etimes=,args= -p 42');
});

test('/proc/net/tcp: listening ports (state 0A), not the established ones', () => {
  const sockets = parseProcNetTcp(recorded('proc-net-tcp-cloud1.txt'));
  assert.ok(sockets.length >= 9);
  assert.deepEqual(sockets[0], {
    localAddress: '198.18.2.1',
    localPort: 22,
    state: '0A',
    inode: 1387980,
  });
  for (const port of [22, 5000, 5001, 5200]) {
    assert.ok(listensOn(sockets, port), `listens on ${port}`);
  }
  assert.ok(!listensOn(sockets, 41396), 'an established client port is not a listener');
  assert.ok(!listensOn(sockets, 9042));
});

test('/proc/uptime of a guest (vm hook), and a guest that does not answer', () => {
  assert.deepEqual(parseGuestUptime('3092.71 2649.79\n', 0), { state: 'running', uptimeSec: 3092 });
  assert.equal(parseGuestUptime('', null).state, 'stopped');
});
