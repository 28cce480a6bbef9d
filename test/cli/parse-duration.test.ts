import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../admin/cli/parse-duration.js';
import { UsageError } from '../../admin/errors.js';

test('durations', () => {
  assert.equal(parseDuration('30', '--t'), 30_000);
  assert.equal(parseDuration('500ms', '--t'), 500);
  assert.equal(parseDuration('1.5s', '--t'), 1500);
  assert.equal(parseDuration('2m', '--t'), 120_000);
  assert.throws(() => parseDuration('soon', '--t'), UsageError);
  assert.throws(() => parseDuration('0s', '--t'), /greater than zero/);
});
