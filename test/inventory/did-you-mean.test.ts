import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closest, didYouMean } from '../../admin/inventory/rules/did-you-mean.js';

const SECTIONS = [
  'deployment',
  'ports',
  'ssh',
  'hosts',
  'groups',
  'services',
  'compute_servers',
  'tinc',
  'backup',
];

test('typos find the key they were meant to be', () => {
  assert.equal(closest('sevices', SECTIONS), 'services'); // a letter missing
  assert.equal(closest('hsots', SECTIONS), 'hosts'); // two letters swapped
  assert.equal(closest('Groups', SECTIONS), 'groups'); // case
  assert.equal(closest('compute-servers', SECTIONS), 'compute_servers');
  assert.equal(closest('deploymnet', SECTIONS), 'deployment');
});

test('words that are not typos get no suggestion', () => {
  assert.equal(closest('colour', SECTIONS), undefined);
  assert.equal(closest('ab', SECTIONS), undefined);
  assert.equal(closest('x', ['y']), 'y'); // one edit is always within reach
  assert.equal(closest('anything', []), undefined);
});

test('didYouMean wording', () => {
  assert.equal(didYouMean('sevices', SECTIONS), ' (did you mean `services`?)');
  assert.equal(didYouMean('zzz', SECTIONS), '');
});
