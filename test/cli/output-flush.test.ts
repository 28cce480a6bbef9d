// Every byte of output arrives through a pipe, even when the reader is slower than Salvo and the
// output is many times a pipe's buffer: the process must not exit before stdout has drained.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const BIN = resolve('bin/salvo');
const env = { ...process.env, SALVO_SERVICES: '' };

/** Runs `salvo ARGS | (sleep 1; wc -c)` in a real shell pipeline: the reader starts late. */
function bytesThroughSlowPipe(args: string): number {
  const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" ${args} | (sleep 1; wc -c)`], {
    encoding: 'utf8',
    env,
  });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('nodeset output larger than a pipe buffer arrives whole through a slow reader', () => {
  const names = 200_000;
  // n1 … n200000, space separated, newline at the end.
  let expected = 0;
  for (let i = 1; i <= names; i += 1) {
    expected += `n${i}`.length + 1;
  }
  assert.ok(expected > 1024 * 1024, 'more than 1 MiB, i.e. many times a pipe buffer');
  assert.equal(bytesThroughSlowPipe(`nodeset -e 'n[1-${names}]'`), expected);
});

test('a reader that goes away early ends the process quietly (no EPIPE stack trace)', () => {
  const r = spawnSync(
    'sh',
    ['-c', `"${process.execPath}" "${BIN}" nodeset -e 'n[1-200000]' | head -c 5; echo " rc=$?"`],
    { encoding: 'utf8', env },
  );
  assert.equal(r.stdout, 'n1 n2 rc=0\n');
  assert.doesNotMatch(r.stderr, /Error|at /);
});
