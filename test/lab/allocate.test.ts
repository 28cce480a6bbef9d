import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pickId, routeOverlaps } from '../../admin/lab/netns/allocate.js';

test('pickId takes the smallest free id in 1..250', () => {
  assert.equal(pickId(new Set()), 1);
  assert.equal(pickId(new Set([1, 2, 4])), 3);
  assert.equal(pickId(new Set(Array.from({ length: 249 }, (_, i) => i + 1))), 250);
  assert.equal(pickId(new Set(Array.from({ length: 250 }, (_, i) => i + 1))), undefined);
});

test('routeOverlaps: a route covering or inside 198.18.L.0/24 blocks L; default does not', () => {
  assert.equal(routeOverlaps('default', 1), false);
  assert.equal(routeOverlaps('198.18.0.0/16', 7), true); // an old fleet.sh bridge covers every L
  assert.equal(routeOverlaps('198.18.3.0/24', 3), true);
  assert.equal(routeOverlaps('198.18.3.254', 3), true); // local route of a host address
  assert.equal(routeOverlaps('198.18.3.128/25', 3), true);
  assert.equal(routeOverlaps('198.18.3.0/24', 4), false);
  assert.equal(routeOverlaps('192.0.2.0/24', 1), false);
  assert.equal(routeOverlaps('10.0.0.0/8', 1), false);
  assert.equal(routeOverlaps('198.0.0.0/8', 9), true);
  assert.equal(routeOverlaps('not-an-address', 1), false);
});
