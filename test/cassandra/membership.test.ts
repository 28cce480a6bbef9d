// The pure parts of ring growth and replication changes: replicas a consistency level needs, the
// worst-case live replicas of a ring with nodes down, the replication map and its CQL, and
// netstats while a node streams (the layout real nodetool prints during a bootstrap).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  alterKeyspaceCql,
  CassandraError,
  parseNetstats,
  replicaProblems,
  replicationFactorOf,
  replicationFor,
  replicationProblems,
  requiredReplicas,
} from '../../admin/cassandra/index.js';

const simple = (rf: number) => ({ class: 'SimpleStrategy', replication_factor: String(rf) });

test('requiredReplicas: QUORUM is a majority, ONE one, ALL every replica', () => {
  assert.equal(requiredReplicas('QUORUM', 3), 2);
  assert.equal(requiredReplicas('quorum', 5), 3);
  assert.equal(requiredReplicas('LOCAL_QUORUM', 2), 2);
  assert.equal(requiredReplicas('ONE', 3), 1);
  assert.equal(requiredReplicas('ALL', 3), 3);
});

test('replicationFactorOf: SimpleStrategy, the sum over NTS datacenters, 0 for local keyspaces', () => {
  assert.equal(replicationFactorOf(simple(3)), 3);
  assert.equal(
    replicationFactorOf({
      class: 'org.apache.cassandra.locator.NetworkTopologyStrategy',
      dc1: '3',
      dc2: '2',
    }),
    5,
  );
  assert.equal(replicationFactorOf({ class: 'org.apache.cassandra.locator.LocalStrategy' }), 0);
});

test('replicaProblems: removing a node from 3 (RF 3) with one down breaks QUORUM; all up does not', () => {
  const ks = [
    { name: 'smc', replication: simple(3) },
    { name: 'system', replication: { class: 'LocalStrategy' } },
  ];
  assert.deepEqual(replicaProblems(ks, 'QUORUM', 3, 0), []);
  assert.deepEqual(replicaProblems(ks, 'QUORUM', 2, 0), []); // 2 of RF 3 placed, both live
  assert.deepEqual(replicaProblems(ks, 'QUORUM', 2, 1), [
    'smc (RF 3): 1 live replica(s) of 2 in the worst case, QUORUM needs 2',
  ]);
  assert.equal(replicaProblems(ks, 'ALL', 2, 0).length, 1);
  // RF 1: any down node may hold a partition's only copy; RF 3 at ONE survives two down.
  assert.equal(replicaProblems([{ name: 'one', replication: simple(1) }], 'ONE', 3, 1).length, 1);
  assert.deepEqual(replicaProblems(ks, 'ONE', 3, 2), []);
});

test('replicationFor and alterKeyspaceCql: --rf N, --dc DC:N; bad input is an error', () => {
  assert.deepEqual(replicationFor({ rf: 3 }), simple(3));
  assert.deepEqual(replicationFor({ dcs: { dc1: 3, dc2: 2 } }), {
    class: 'NetworkTopologyStrategy',
    dc1: '3',
    dc2: '2',
  });
  assert.equal(
    alterKeyspaceCql('smc', simple(3)),
    "ALTER KEYSPACE smc WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '3'}",
  );
  assert.throws(() => replicationFor({ rf: 0 }), CassandraError);
  assert.throws(() => replicationFor({ dcs: { "dc'1": 3 } }), CassandraError);
  assert.throws(() => alterKeyspaceCql('smc; DROP', simple(3)), CassandraError);
});

test('replicationProblems: more replicas than nodes; too few live for the level', () => {
  const c = { keyspace: 'smc', from: simple(1), nodes: 3, down: 0, consistency: 'QUORUM' };
  assert.deepEqual(replicationProblems({ ...c, to: simple(3) }), []);
  assert.deepEqual(replicationProblems({ ...c, to: simple(4) }), [
    'smc: RF 4 but the ring has 3 node(s)',
  ]);
  assert.equal(replicationProblems({ ...c, to: simple(3), down: 2 }).length, 1);
});

test('parseNetstats: a bootstrapping node streams; a normal one does not', () => {
  // The layout of nodetool netstats on a 3.11 node during bootstrap.
  const joining = `Mode: JOINING
Bootstrap 0c2a5f60-6b3a-11ee-9b1e-9d0c5a2b8f10
    /10.0.0.11
        Receiving 12 files, 104857600 bytes total. Already received 3 files, 26214400 bytes total
            /var/lib/cassandra/data/smc/projects-5b1c7a10/mc-7-big-Data.db 26214400/26214400 bytes(100%) received from idx:0/10.0.0.11
Read Repair Statistics:
Attempted: 0
Mismatch (Blocking): 0
Mismatch (Background): 0
Pool Name                    Active   Pending      Completed   Dropped
Large messages                  n/a         0              0         0
`;
  assert.deepEqual(parseNetstats(joining), { mode: 'JOINING', streaming: true });
  const normal = `Mode: NORMAL
Not sending any streams.
Read Repair Statistics:
Attempted: 0
`;
  assert.deepEqual(parseNetstats(normal), { mode: 'NORMAL', streaming: false });
});
