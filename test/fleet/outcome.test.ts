import { test } from 'node:test';
import assert from 'node:assert/strict';
import { failureText, isUnreachable } from '../../admin/fleet/outcome.js';
import { hostFailure } from '../../admin/tinc/context.js';
import type { CommandResult, FailureKind } from '../../admin/transport/types.js';

function failed(kind: FailureKind, message: string, exitCode: number | null = null): CommandResult {
  return {
    host: 'cloud1',
    command: 'x',
    ok: false,
    exitCode,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs: 1,
    failure: { kind, message },
  };
}

test('unreachable: the host could not be asked (network, auth, host key) — nothing else', () => {
  const kinds: Record<FailureKind, boolean> = {
    unreachable: true,
    auth: true,
    hostkey: true,
    nonzero: false,
    signal: false,
    timeout: false,
    // Ctrl-C says nothing about the host: it has its own bucket and exit code (130).
    aborted: false,
  };
  for (const [kind, expected] of Object.entries(kinds)) {
    assert.equal(isUnreachable(failed(kind as FailureKind, 'm')), expected, kind);
  }
  assert.equal(isUnreachable({}), false);
});

test('tinc host failures use the same rule: an interrupted host is not unreachable', () => {
  assert.equal(hostFailure('probe', failed('aborted', 'interrupted')).unreachable, false);
  assert.equal(hostFailure('probe', failed('auth', 'denied')).unreachable, true);
  assert.equal(hostFailure('probe', failed('nonzero', 'exit 1', 1)).unreachable, false);
});

test('failure text: the exit code for a command that ran, else the kind and the reason', () => {
  assert.equal(failureText(failed('nonzero', 'exit 3', 3)), 'exit 3');
  assert.equal(failureText({ exitCode: 0 }), 'exit 0');
  assert.equal(failureText(failed('timeout', 'no answer in 5 s')), 'timeout: no answer in 5 s');
  assert.equal(failureText(failed('unreachable', 'refused')), 'unreachable: refused');
});
