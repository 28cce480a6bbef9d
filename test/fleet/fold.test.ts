import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupOutputs } from '../../admin/fleet/fold.js';
import { exitCodeOf, tally, EXIT } from '../../admin/fleet/outcome.js';
import type { CommandResult } from '../../admin/transport/types.js';

function res(
  host: string,
  stdout: string,
  exitCode = 0,
  failure?: CommandResult['failure'],
): CommandResult {
  return {
    host,
    command: 'x',
    ok: exitCode === 0 && !failure,
    exitCode: failure ? null : exitCode,
    signal: null,
    stdout,
    stderr: '',
    durationMs: 1,
    ...(failure ? { failure } : {}),
  };
}

test('identical outputs fold under one node set, different ones stand apart', () => {
  const results = [
    res('cloud1', 'a\n'),
    res('cloud2', 'a\n'),
    res('cloud3', 'b\n'),
    res('cloud4', 'a\n'),
    res('cloud7', 'a\n'),
  ];
  const groups = groupOutputs(results);
  assert.equal(groups.length, 2);
  assert.equal(groups[0]!.nodeset, 'cloud[1-2,4,7]');
  assert.equal(groups[0]!.status, 'exit 0');
  assert.equal(groups[1]!.nodeset, 'cloud3');
});

test('same output but a different exit code is a different group', () => {
  const groups = groupOutputs([res('cloud1', ''), res('cloud2', '', 1)]);
  assert.deepEqual(
    groups.map((g) => g.status),
    ['exit 0', 'exit 1'],
  );
});

test('exit code: aborted > unreachable > failed > ok', () => {
  const ok = res('cloud1', '');
  const bad = res('cloud2', '', 1, { kind: 'nonzero', message: 'exit 1' });
  const down = res('cloud3', '', 0, { kind: 'unreachable', message: 'refused' });
  const stop = res('cloud4', '', 0, { kind: 'aborted', message: 'x' });
  assert.equal(exitCodeOf([ok]), EXIT.ok);
  assert.equal(exitCodeOf([ok, bad]), EXIT.failed);
  assert.equal(exitCodeOf([ok, bad, down]), EXIT.unreachable);
  assert.equal(exitCodeOf([ok, bad, down, stop]), EXIT.aborted);
  assert.deepEqual(tally([ok, bad, down, stop]), {
    ok: ['cloud1'],
    failed: ['cloud2'],
    unreachable: ['cloud3'],
    aborted: ['cloud4'],
  });
});

test('a timeout counts as failed, host-key refusal as unreachable', () => {
  const t = tally([
    res('a1', '', 0, { kind: 'timeout', message: '' }),
    res('a2', '', 0, { kind: 'hostkey', message: '' }),
  ]);
  assert.deepEqual(t.failed, ['a1']);
  assert.deepEqual(t.unreachable, ['a2']);
});
