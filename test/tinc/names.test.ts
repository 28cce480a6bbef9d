import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nameMap, tincName } from '../../admin/tinc/config/names.js';
import { TincError } from '../../admin/tinc/errors.js';

test('tinc names: - becomes _, nothing else is mapped', () => {
  assert.equal(tincName('storm-db3'), 'storm_db3');
  assert.equal(tincName('cloud12'), 'cloud12');
  assert.throws(
    () => tincName('web.example'),
    (e: unknown) => e instanceof TincError && /web\.example/.test(e.message),
  );
});

test('two hosts that map to one tinc name are refused, naming both', () => {
  assert.throws(() => nameMap(['a-b', 'a_b']), /a-b and a_b both map to the tinc name a_b/);
  const m = nameMap(['storm-db1', 'cloud1']);
  assert.equal(m.toTinc.get('storm-db1'), 'storm_db1');
  assert.equal(m.toHost.get('storm_db1'), 'storm-db1');
});
