// The CQL simulator with the real cassandra-driver: handshake and auth, DDL and schema
// agreement, reads and writes, LWT [applied], TTL, roles and grants, replication and
// Unavailable, injected faults.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import cassandra from 'cassandra-driver';
import { driver, loopRing, type LoopRing, waitFor } from './helpers.js';

const { consistencies } = cassandra.types;
let ring: LoopRing;
let c: cassandra.Client;

before(async () => {
  ring = await loopRing(3);
  c = driver(ring);
  await c.connect();
});
after(async () => {
  await c?.shutdown();
  await ring?.close();
});

test('the driver connects to every node of the ring and sees schema agreement after DDL', async () => {
  assert.equal(c.getState().getConnectedHosts().length, 3);
  const r = await c.execute(
    "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
  );
  assert.equal((r.info as { isSchemaInAgreement?: boolean }).isSchemaInAgreement, true);
  await c.execute('CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c))');
  await assert.rejects(c.execute('CREATE TABLE ks.t (k int PRIMARY KEY)'), /already exists/);
  await c.execute('CREATE TABLE IF NOT EXISTS ks.t (k int PRIMARY KEY)');
});

test('writes, reads, LWT [applied], TTL and deletes', async () => {
  await c.execute('INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)', [1, 2, 'x'], { prepare: true });
  await c.execute("INSERT INTO ks.t (k, c, v) VALUES (1, 3, 'y') USING TTL 100");
  let r = await c.execute('SELECT * FROM ks.t WHERE k = ?', [1], {
    prepare: true,
    consistency: consistencies.quorum,
  });
  assert.deepEqual(
    r.rows.map((x) => [x.k, x.c, x.v]),
    [
      [1, 2, 'x'],
      [1, 3, 'y'],
    ],
  );
  r = await c.execute("INSERT INTO ks.t (k, c, v) VALUES (1, 2, 'z') IF NOT EXISTS");
  assert.equal(r.wasApplied(), false);
  assert.equal(r.rows[0]!.v, 'x');
  r = await c.execute("UPDATE ks.t SET v = 'w' WHERE k = 1 AND c = 2 IF v = 'x'");
  assert.equal(r.wasApplied(), true);
  r = await c.execute("UPDATE ks.t SET v = 'q' WHERE k = 1 AND c = 2 IF v = 'x'");
  assert.deepEqual([r.wasApplied(), r.rows[0]!.v], [false, 'w']);
  r = await c.execute('SELECT ttl(v) FROM ks.t WHERE k = 1 AND c = 3');
  assert.ok(r.rows[0]!['ttl(v)'] > 90 && r.rows[0]!['ttl(v)'] <= 100);
  await c.execute("INSERT INTO ks.t (k, c, v) VALUES (2, 1, 'gone') USING TTL 1");
  await waitFor(
    async () => (await c.execute('SELECT * FROM ks.t WHERE k = 2')).rowLength === 0,
    5000,
  );
  await c.execute('DELETE FROM ks.t WHERE k = 1 AND c = 3');
  r = await c.execute('SELECT count(*) FROM ks.t');
  assert.equal(r.rows[0]!.count.toString(), '1');
  await assert.rejects(
    c.execute('INSERT INTO ks.t (k, c, v) VALUES (1, 1, 1) USING TTL -1'),
    /TTL must be greater/,
  );
});

test('roles: login, wrong password, grants enforced, LIST USERS', async () => {
  await c.execute("CREATE ROLE hub WITH PASSWORD = 'pw' AND LOGIN = true");
  await c.execute('GRANT SELECT ON KEYSPACE ks TO hub');
  const users = await c.execute('LIST USERS');
  assert.deepEqual(
    users.rows.map((r) => r.name),
    ['cassandra', 'hub'],
  );
  const h = driver(ring, 'hub', 'pw', 1);
  await h.connect();
  try {
    assert.equal((await h.execute('SELECT * FROM ks.t WHERE k = 1')).rowLength, 1);
    await assert.rejects(
      h.execute("INSERT INTO ks.t (k, c, v) VALUES (5, 5, 'a')"),
      /User hub has no MODIFY permission on <table ks.t>/,
    );
  } finally {
    await h.shutdown();
  }
  const bad = driver(ring, 'hub', 'wrong');
  await assert.rejects(bad.connect(), /Provided username hub and\/or password are incorrect/);
  await bad.shutdown();
});

test('a stopped node is gone: QUORUM still works, ALL is Unavailable; it comes back', async () => {
  await ring.stop(2);
  await waitFor(() =>
    [0, 1].every((i) => ring.sims[i]!.node.peers.get(ring.addresses[2]!)?.up === false),
  );
  await assert.rejects(
    c.execute('SELECT * FROM ks.t WHERE k = 1', [], { consistency: consistencies.all }),
    /ALL \(3 required but only 2 alive\)/,
  );
  const r = await c.execute('SELECT * FROM ks.t WHERE k = 1', [], {
    consistency: consistencies.quorum,
  });
  assert.equal(r.rowLength, 1);
  await ring.start(2);
  await waitFor(() => ring.sims[0]!.node.peers.get(ring.addresses[2]!)?.up === true);
  await waitFor(async () => {
    try {
      await c.execute('SELECT * FROM ks.t WHERE k = 1', [], { consistency: consistencies.all });
      return true;
    } catch {
      return false;
    }
  });
});

test('injected faults: write timeout, overloaded, then normal again', async () => {
  for (const s of ring.sims) {
    s!.node.faults.push({ kind: 'timeout', match: 'ks\\.t', count: 1 });
  }
  await assert.rejects(
    c.execute("INSERT INTO ks.t (k, c, v) VALUES (7, 7, 'a')"),
    (e: Error & { code?: number }) => e.code === 0x1100,
  );
  for (const s of ring.sims) {
    s!.node.faults = [{ kind: 'overloaded', match: 'ks\\.t', count: 1 }];
  }
  await assert.rejects(
    c.execute('SELECT * FROM ks.t'),
    (e: Error & { code?: number }) => e.code === 0x1001,
  );
  for (const s of ring.sims) {
    s!.node.faults = [];
  }
  assert.ok((await c.execute('SELECT * FROM ks.t')).rowLength >= 1);
});
