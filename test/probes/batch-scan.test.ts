// Several probes in one round trip, and the pid-dir scan for drift.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { batchCommand, splitBatch } from '../../admin/probes/batch.js';
import { parseScan } from '../../admin/probes/scan.js';
import { cmd, shell, toShell } from '../../admin/transport/command.js';

test('a batch runs each command in turn and splits their outputs and exit codes', () => {
  const nonce = 'abc123';
  const batch = batchCommand(
    [cmd('echo', 'one'), shell('echo two; exit 3'), cmd('printf', '%s', "it's")],
    nonce,
  );
  const out = spawnSync('sh', ['-c', toShell(batch)], { encoding: 'utf8' }).stdout;
  assert.deepEqual(splitBatch(out, 3, nonce), [
    { stdout: 'one\n', exitCode: 0 },
    { stdout: 'two\n', exitCode: 3 },
    { stdout: "it's", exitCode: 0 },
  ]);
  const cut = out.slice(0, out.indexOf("it's") + 4);
  assert.deepEqual(
    splitBatch(cut, 3, nonce)[2],
    { stdout: "it's", exitCode: null },
    'a cut-off batch',
  );
});

test('markers with another nonce are output, not structure', () => {
  const nonce = 'n1';
  const text = '@@salvo-probe:n1:0\n@@salvo-probe:zz:1\nx\n\n@@salvo-exit:n1:0\n';
  assert.deepEqual(splitBatch(text, 1, nonce), [
    { stdout: '@@salvo-probe:zz:1\nx\n', exitCode: 0 },
  ]);
});

test('scan lines: unit stem, pid, alive, recorded version', () => {
  const text = [
    'unit hub.0 pid=27220 alive=1 version=1.0.0',
    'unit hub.1 pid=31 alive=0 version=1.0.0',
    'unit haproxy.0 pid=13164 alive=1 version=2.6.12-1+deb12u4',
    'unit snap.0 pid= alive=0 version=',
    'garbage line',
    'unit Bad.x pid=1 alive=1 version=1',
  ].join('\n');
  assert.deepEqual(parseScan(text), [
    { service: 'hub', instance: 0, pid: 27220, alive: true, version: '1.0.0' },
    { service: 'hub', instance: 1, pid: 31, alive: false, version: '1.0.0' },
    { service: 'haproxy', instance: 0, pid: 13164, alive: true, version: '2.6.12-1+deb12u4' },
    { service: 'snap', instance: 0, alive: false },
  ]);
});
