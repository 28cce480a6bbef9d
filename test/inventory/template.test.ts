// `{n}` in host attributes: filled where it is used, and a value without it is left as it is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillNumber, hostNumber, usesNumber } from '../../admin/inventory/sections/template.js';

test('usesNumber finds {n} in strings, lists and mappings at any depth', () => {
  assert.equal(usesNumber('198.18.1.{n}'), true);
  assert.equal(usesNumber('198.18.1.7'), false);
  assert.equal(usesNumber({ address: 'a', vars: { url: ['x', 'http://h{n}/'] } }), true);
  assert.equal(usesNumber({ address: 'a', vars: { url: ['x', 'http://h/'] }, port: 22 }), false);
  assert.equal(usesNumber({ n: '{m}', port: null }), false);
});

test('fillNumber fills every {n}, and returns a value without one unchanged (the same object)', () => {
  const plain = { address: '198.18.200.3', vars: { role: 'db' } };
  assert.equal(fillNumber(plain, 3), plain);
  const templ = { address: '10.1.{n}.{n}', port: '22{n}', vars: { list: ['a{n}', 5], role: 'db' } };
  assert.deepEqual(fillNumber(templ, 12), {
    address: '10.1.12.12',
    port: '2212',
    vars: { list: ['a12', 5], role: 'db' },
  });
  assert.equal(templ.address, '10.1.{n}.{n}', 'the written value is not changed');
  assert.equal(fillNumber(templ, null), templ, 'a host without a number gets the value as written');
  assert.equal(hostNumber('node01'), 1);
  assert.equal(hostNumber('edge'), null);
});
