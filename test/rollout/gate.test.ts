// The gate's verdict on one reading, and which operations make a ring member wait for its peers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unmet } from '../../admin/rollout/gate.js';
import { gateFor } from '../../admin/rollout/plan.js';
import type { ServiceKind } from '../../admin/services/types.js';
import { fakeKind } from './fakes.js';

const ring: ServiceKind = { ...fakeKind('cassandra'), ringGate: true };

test('a ring member waits for its peers after restart and upgrade, not after start or stop', () => {
  assert.equal(gateFor(ring, 'restart').peersUp, true);
  assert.equal(gateFor(ring, 'upgrade', '5.0').peersUp, true);
  assert.equal(gateFor(ring, 'start').peersUp, undefined, 'its peers may start in a later batch');
  assert.equal(gateFor(ring, 'stop').peersUp, undefined);
  assert.equal(gateFor(fakeKind('hub'), 'restart').peersUp, undefined);
});

test('unmet: a running unit that sees a peer down fails a ring gate, and only a ring gate', () => {
  const h = { state: 'running' as const, peersNotUp: ['10.1.5.1 DN'] };
  assert.equal(
    unmet(h, gateFor(ring, 'restart')),
    'it sees peers not up: 10.1.5.1 DN (want the whole ring up before the next node)',
  );
  assert.equal(unmet(h, gateFor(ring, 'start')), undefined);
  assert.equal(unmet({ state: 'running' }, gateFor(ring, 'restart')), undefined);
  assert.equal(unmet({ state: 'running', peersNotUp: [] }, gateFor(ring, 'restart')), undefined);
  assert.match(
    unmet(
      { state: 'unhealthy', detail: 'joining the ring (UJ in nodetool status)' },
      gateFor(ring, 'restart'),
    )!,
    /^unhealthy: joining/,
  );
});
