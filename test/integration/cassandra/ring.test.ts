// Ring growth and replication on a 5-host lab (db = cloud[3-5], the CQL simulator): a 4th and a
// 5th node (cloud1, cloud2, added to the cassandra hosts in a second services file) bootstrap
// one at a time, UJ → UN, while add-node waits; replication 1 → 3 and the full repair it runs
// (proved by a node stopped afterwards: every row still reads at QUORUM); remove-node allowed on a healthy ring, refused
// when it would break QUORUM; the lab's hub places new projects only on compute servers whose
// status is on, and `compute-servers set HOST no-new` stops placements there (existing stay).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CassandraError, type MembershipEvent } from '../../../admin/cassandra/index.js';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { LockedError } from '../../../admin/index.js';
import { PLACEMENTS_CQL } from '../../../admin/lab/standins/placement.js';
import { cmd } from '../../../admin/transport/command.js';
import { isRoot, withLab } from '../lab-fixture.js';
import { failures, runOp } from '../services/helpers.js';
import { runCli, variant } from '../services/lab.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('cassandra ring: add-node, replication 1 → 3 with repair, remove-node; hub placement', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 600_000,
}, async (t) => {
  await withLab(5, async (lab) => {
    // Both files: a 4 s bootstrap, so UJ is there to be seen.
    const slowJoin = (doc: Parameters<Parameters<typeof variant>[2]>[0]) => {
      const c = doc.services.cassandra as { command: string[] };
      c.command = [...c.command, '--join-ms', '4000'];
    };
    const base = await variant(lab, 'ring3', slowJoin);
    const grown = await variant(lab, 'ring4', (doc) => {
      slowJoin(doc);
      (doc.services.cassandra as { hosts: string }).hosts = 'cloud[1-5]';
    });
    const dep = await Deployment.open(base);
    t.after(() => dep.close());
    const db = ['cloud3', 'cloud4', 'cloud5'];
    const nodetool = (host: string, ...args: string[]) => {
      const spec = dep.inventory.services.get('cassandra')!;
      const argv = (spec.options.nodetool as string[]).map((a) =>
        a
          .replace('{address}', dep.inventory.hosts.get(host)!.address)
          .replace('{version}', '4.1.5'),
      );
      return dep.exec([host], cmd(...argv, ...args));
    };
    /** Until each of `hosts` sees `count` nodes UN; bounded, so a broken ring fails the test. */
    const waitUn = async (hosts: string[], count: number) => {
      const deadline = Date.now() + 90_000;
      for (const h of hosts) {
        for (;;) {
          const [r] = await nodetool(h, 'status');
          if ((r!.stdout.match(/^UN /gm) ?? []).length === count) {
            break;
          }
          assert.ok(Date.now() < deadline, `${h} never saw ${count} UN:\n${r!.stdout}${r!.stderr}`);
          await sleep(200);
        }
      }
    };
    assert.deepEqual(failures(await runOp(dep, 'start', 'cassandra')), []);
    await waitUn(db, 3);
    await dep.cassandra.authInit();
    const admin = await dep.cassandra.client('salvo_admin');
    try {
      await admin.execute(
        "CREATE KEYSPACE growth WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
      );
      await admin.execute('CREATE TABLE growth.items (id int PRIMARY KEY, v text)');
      for (let i = 0; i < 20; i++) {
        await admin.execute('INSERT INTO growth.items (id, v) VALUES (?, ?)', [i, `v${i}`]);
      }
    } finally {
      await admin.close();
    }

    const big = await Deployment.open(grown);
    t.after(() => big.close());

    await t.test(
      'add-node cloud1 cloud2: one at a time, each UJ while streaming, then UN',
      async () => {
        const events: MembershipEvent[] = [];
        const s = await big.cassandra.addNodes(['cloud1', 'cloud2'], {
          onEvent: (e) => events.push(e),
        });
        assert.deepEqual(
          s.done.map((d) => d.host),
          ['cloud1', 'cloud2'],
        );
        // cloud2 starts only after cloud1 is done.
        assert.deepEqual(
          events
            .filter((e) => e.kind !== 'node-state')
            .map((e) => `${e.kind} ${'host' in e ? e.host : ''}`),
          ['node-start cloud1', 'node-done cloud1', 'node-start cloud2', 'node-done cloud2'],
        );
        for (const h of ['cloud1', 'cloud2']) {
          const states = events
            .filter((e) => e.kind === 'node-state' && e.host === h)
            .map((e) => (e.kind === 'node-state' ? e.state : ''));
          assert.ok(
            states.some((x) => /^UJ \(JOINING\)$/.test(x)),
            `${h}: never saw UJ: ${states.join(' | ')}`,
          );
          assert.ok(
            events.some((e) => e.kind === 'node-state' && e.host === h && e.streaming),
            `${h}: never saw streaming`,
          );
        }
        // Returned only once every node sees 5 UN.
        for (const h of ['cloud1', 'cloud2', ...db]) {
          const [r] = await nodetool(h, 'status');
          assert.equal((r!.stdout.match(/^UN /gm) ?? []).length, 5, r!.stdout);
        }
        const again = await runCli(grown, 'cassandra', 'add-node', 'cloud2');
        assert.equal(again.code, 0, again.stdout + again.stderr);
        assert.match(again.stdout, /already in the ring: cloud2/);
        const stray = await runCli(base, 'cassandra', 'add-node', 'cloud2');
        assert.equal(stray.code, 2, stray.stdout + stray.stderr);
        assert.match(stray.stderr, /cloud2 is not a cassandra host/);
      },
    );

    await t.test('replication growth --rf 3: ALTER, then a full repair on every node', async () => {
      const r = await runCli(grown, 'cassandra', 'replication', 'growth', '--rf', '3');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^growth: replication changed to .*"replication_factor":"3"/m);
      assert.match(r.stdout, /5 node\(s\) repaired \(full\)/);
      assert.match(r.stderr, /ALTER KEYSPACE growth WITH replication/);
      const ks = (await big.cassandra.keyspaces()).find((k) => k.name === 'growth');
      assert.equal(ks?.replication.replication_factor, '3');
      // The rows now live on 3 nodes: with any one node stopped, every row still reads at QUORUM
      // (before the repair, the rows whose one copy was on cloud4 would be gone).
      assert.deepEqual(failures(await runOp(big, 'stop', 'cassandra', { hosts: ['cloud4'] })), []);
      const c = await big.cassandra.client('salvo_admin');
      try {
        for (let i = 0; i < 20; i++) {
          const row = await c.execute('SELECT v FROM growth.items WHERE id = ?', [i]);
          assert.deepEqual(row.rows, [{ v: `v${i}` }], `row ${i}`);
        }
      } finally {
        await c.close();
      }
      assert.deepEqual(failures(await runOp(big, 'start', 'cassandra', { hosts: ['cloud4'] })), []);
      await waitUn(['cloud1', 'cloud2', ...db], 5);
      const bad = await runCli(grown, 'cassandra', 'replication', 'growth', '--rf', '6');
      assert.equal(bad.code, 1, bad.stdout + bad.stderr);
      assert.match(bad.stderr, /RF 6 but the ring has 5 node/);
    });

    await t.test(
      'remove-node: allowed on a healthy ring, refused when QUORUM would break',
      async () => {
        // The operator lock: while another run holds it, remove-node and add-node do nothing.
        await dep.locked('test holds the lock', async () => {
          const locked = await runCli(grown, 'cassandra', 'remove-node', 'cloud2');
          assert.equal(locked.code, 4, locked.stdout + locked.stderr);
          await assert.rejects(big.cassandra.addNodes('cloud2'), LockedError);
        });
        const events: MembershipEvent[] = [];
        const s = await big.cassandra.removeNode('cloud2', { onEvent: (e) => events.push(e) });
        assert.deepEqual(
          s.done.map((d) => d.host),
          ['cloud2'],
        );
        assert.deepEqual(
          events.filter((e) => e.kind !== 'node-state').map((e) => e.kind),
          ['node-start', 'node-done'],
        );
        const second = await runCli(grown, 'cassandra', 'remove-node', 'cloud1');
        assert.equal(second.code, 0, second.stdout + second.stderr);
        assert.match(second.stdout, /cloud1 left the ring and is stopped/);
        await waitUn(db, 3);
        for (const h of db) {
          const [r] = await nodetool(h, 'status');
          for (const gone of [lab.hosts[0]!, lab.hosts[1]!]) {
            assert.ok(!r!.stdout.includes(` ${gone.address} `), r!.stdout);
          }
        }
        // Their databases are stopped: nodetool cannot connect.
        for (const h of ['cloud1', 'cloud2']) {
          const [gone] = await nodetool(h, 'status');
          assert.equal(gone!.ok, false);
          assert.match(gone!.stderr, /Failed to connect/);
        }
        // The rows survived the node leaving.
        const c = await dep.cassandra.client('salvo_admin');
        try {
          const n = await c.execute('SELECT count(*) FROM growth.items');
          assert.equal(Number(n.rows[0]!.count), 20);
        } finally {
          await c.close();
        }
        // Now 3 nodes, RF 3; with cloud5 down, removing cloud4 leaves 2 nodes, 1 live: no QUORUM.
        assert.deepEqual(
          failures(await runOp(dep, 'stop', 'cassandra', { hosts: ['cloud5'] })),
          [],
        );
        await assert.rejects(dep.cassandra.removeNode('cloud4'), (e: Error) => {
          assert.ok(e instanceof CassandraError && e.failure === 'refused', String(e));
          assert.match(e.message, /QUORUM needs 2/);
          return true;
        });
        const cli = await runCli(base, 'cassandra', 'remove-node', 'cloud4');
        assert.equal(cli.code, 1, cli.stdout + cli.stderr);
        assert.match(cli.stderr, /remove-node cloud4 refused/);
        const [net] = await nodetool('cloud4', 'netstats');
        assert.match(net!.stdout, /^Mode: NORMAL$/m);
        assert.deepEqual(
          failures(await runOp(dep, 'start', 'cassandra', { hosts: ['cloud5'] })),
          [],
        );
      },
    );

    await t.test(
      'the hub places projects on compute servers with status on; no-new stops it there',
      async () => {
        const file = await variant(lab, 'placing', (doc) => {
          slowJoin(doc);
          doc.compute_servers = { 'cloud[3-5]': 'on' };
        });
        await waitUn(db, 3);
        const admin = await dep.cassandra.client('salvo_admin');
        try {
          await admin.execute(
            "CREATE KEYSPACE IF NOT EXISTS smc WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
          );
          await admin.execute(PLACEMENTS_CQL('smc'));
        } finally {
          await admin.close();
        }
        const sync = await runCli(file, 'compute-servers', 'sync');
        assert.equal(sync.code, 0, sync.stdout + sync.stderr);
        assert.deepEqual(failures(await runOp(dep, 'start', 'hub', { hosts: ['cloud1'] })), []);
        const hub = `http://${lab.hosts[0]!.address}:5000/projects`;
        const place = async (id: string, method = 'POST') => {
          const res = await fetch(`${hub}?id=${id}`, {
            method,
            signal: AbortSignal.timeout(15_000),
          });
          return {
            status: res.status,
            body: (await res.json()) as { host?: string; error?: string },
          };
        };
        const first = new Map<string, string>();
        for (let i = 1; i <= 6; i++) {
          const r = await place(`p${i}`);
          assert.equal(r.status, 201, JSON.stringify(r));
          first.set(`p${i}`, r.body.host!);
        }
        assert.deepEqual([...first.values()].sort(), [
          'cloud3',
          'cloud3',
          'cloud4',
          'cloud4',
          'cloud5',
          'cloud5',
        ]);
        const set = await runCli(file, 'compute-servers', 'set', 'cloud3', 'no-new');
        assert.equal(set.code, 0, set.stdout + set.stderr);
        for (let i = 7; i <= 12; i++) {
          const r = await place(`p${i}`);
          assert.equal(r.status, 201, JSON.stringify(r));
          assert.notEqual(r.body.host, 'cloud3', `p${i} placed on a no-new host`);
        }
        // Existing projects stay where they are, cloud3's included.
        for (const [id, host] of first) {
          assert.deepEqual((await place(id, 'GET')).body, { project: id, host });
          const again = await place(id);
          assert.equal(again.status, 200);
          assert.equal(again.body.host, host);
        }
        assert.equal((await runCli(file, 'compute-servers', 'set', 'cloud4', 'off')).code, 0);
        assert.equal((await runCli(file, 'compute-servers', 'set', 'cloud5', 'no-new')).code, 0);
        const none = await place('p13');
        assert.equal(none.status, 503);
        assert.match(none.body.error!, /no compute server takes new projects/);
        assert.equal((await runCli(file, 'compute-servers', 'set', 'cloud3', 'on')).code, 0);
        assert.equal((await place('p13')).body.host, 'cloud3');
      },
    );
  });
});
