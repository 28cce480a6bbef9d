// The gate's verdict on one reading, which operations make a ring member wait for its peers, and a
// kind's own gate probe with its confirmation from the admin machine (vm: a login to the guest).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { probeOnce, unmet, waitGate } from '../../admin/rollout/gate.js';
import { gateFor } from '../../admin/rollout/plan/plan.js';
import type { Executor } from '../../admin/rollout/types.js';
import type { ServiceKind } from '../../admin/services/types.js';
import { cmd, display } from '../../admin/transport/command.js';
import { fakeKind, inventoryOf, result } from './fakes.js';

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

test("a kind's gate probe, then its confirmation from the admin machine, must both pass", async () => {
  const calls: string[] = [];
  let confirms = 0;
  const kind: ServiceKind = {
    ...fakeKind('vm', { gate: { passes: 1, intervalMs: 1, timeoutMs: 5000 } }),
    gateProbe: (unit) => ({ host: 'cloud1', command: cmd('gate-probe', unit.host) }),
    confirmRunning: (unit) => ({ host: unit.host, command: cmd('true') }),
  };
  const exec: Executor = async (host, command) => {
    const c = `${display(command)} @ ${host}`;
    calls.push(c);
    if (c === 'true @ g1') {
      confirms++;
      // The first login fails: the guest answered its banner with a key known_hosts does not have.
      return confirms === 1
        ? { ...result(host, command, 255), stderr: 'host key for g1 does not match' }
        : result(host, command, 0);
    }
    return result(host, command, 0, 'running');
  };
  const pu = {
    id: 'vm#0@g1',
    unit: { service: 'vm', host: 'g1', instance: 0, placement: {} },
    kind,
    steps: [],
  };
  const reasons: string[] = [];
  const inv = inventoryOf([{ name: 'g1' }], [{ kind: 'vm', hosts: ['g1'] }]);
  const out = await waitGate(pu, gateFor(kind, 'start'), inv, exec, undefined, (p) => {
    if (p.reason) {
      reasons.push(p.reason);
    }
  });
  assert.equal(out.ok, true);
  assert.deepEqual(calls, [
    'gate-probe g1 @ cloud1',
    'true @ g1',
    'gate-probe g1 @ cloud1',
    'true @ g1',
  ]);
  assert.match(
    reasons[0]!,
    /^unhealthy: cloud1 reads it running, but `true` on g1 failed: host key for g1 does not match/,
  );
  // Waiting for stopped: no login; a status probe outside gates (salvo status) is the health probe.
  calls.length = 0;
  const stopped: Executor = async (host, command) => {
    calls.push(`${display(command)} @ ${host}`);
    return result(host, command, 0, 'stopped');
  };
  assert.equal((await waitGate(pu, gateFor(kind, 'stop'), inv, stopped)).ok, true);
  assert.deepEqual(calls, ['gate-probe g1 @ cloud1']);
  calls.length = 0;
  await probeOnce(pu, inv, stopped, 1000);
  assert.deepEqual(calls, ["probe 'vm#0@g1' @ g1"]);
});
