import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LabError } from '../../admin/errors.js';
import { requireRoot } from '../../admin/lab/index.js';

test('requireRoot accepts uid 0', () => {
  assert.doesNotThrow(() => requireRoot(0));
});

test('requireRoot refuses other users with a LabError that says why', () => {
  assert.throws(
    () => requireRoot(1000),
    (e: unknown) => {
      assert.ok(e instanceof LabError);
      assert.match(e.message, /needs root/);
      assert.match(e.message, /network namespaces/);
      assert.match(e.message, /uid 1000/);
      return true;
    },
  );
});
