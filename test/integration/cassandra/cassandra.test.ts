// Cassandra operations on a 5-host lab (db = cloud[3-5], each running the CQL simulator in its
// namespace), through dep.cassandra and the real cassandra-driver: auth-init (and no secret in
// any ps output while it runs), the default user gone, rolling repair with its journal, a node
// killed mid-repair → a clear stop, resume after it is back; repair refused while a node is down.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CassandraClient, CassandraError } from '../../../admin/cassandra/index.js';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { unitPaths } from '../../../admin/services/layout.js';
import { cmd } from '../../../admin/transport/command.js';
import { isRoot, withLab } from '../lab-fixture.js';
import { failures, runOp } from '../services/helpers.js';
import { runCli, variant } from '../services/lab.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('cassandra on the lab: auth-init, rolling repair, kill mid-repair and resume', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 600_000,
}, async (t) => {
  await withLab(5, async (lab) => {
    const dep = await Deployment.open(lab.servicesFile);
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
    assert.deepEqual(failures(await runOp(dep, 'start', 'cassandra')), []);
    // The ring forms: every node sees three UN.
    for (const h of db) {
      for (;;) {
        const [r] = await nodetool(h, 'status');
        if ((r!.stdout.match(/^UN /gm) ?? []).length === 3) {
          break;
        }
        await sleep(200);
      }
    }

    await t.test('auth-init: users, default user gone, no secret in ps meanwhile', async () => {
      const seen: string[] = [];
      let running = true;
      const watcher = (async () => {
        while (running) {
          seen.push(execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' }));
          for (const r of await dep.exec(db, 'ps -eo args')) {
            seen.push(r.stdout);
          }
        }
      })();
      const r = await dep.cassandra.authInit();
      running = false;
      await watcher;
      assert.equal(r.defaultDropped, true);
      const dir = dep.cassandra.secretsDir();
      const secrets = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8').trim());
      assert.equal(secrets.length, 3); // salvo_admin, hub, snap
      for (const s of secrets) {
        assert.ok(!seen.some((p) => p.includes(s)), 'a secret appeared in a process list');
      }
      const def = new CassandraClient({
        ...dep.cassandra.connection(),
        username: 'cassandra',
        password: 'cassandra',
        retries: 0,
      });
      await assert.rejects(
        def.connect(),
        (e: Error) => e instanceof CassandraError && e.failure === 'auth',
      );
      await def.close();
      const again = await dep.cassandra.authInit();
      assert.deepEqual(again.created, []);
    });

    await t.test('salvo cassandra status and cql; compute-servers sync and set', async () => {
      const st = await runCli(lab.servicesFile, 'cassandra', 'status', '--json');
      assert.equal(st.code, 0, st.stdout + st.stderr);
      const ring = JSON.parse(st.stdout) as { ring: { seenBy: Record<string, string> }[] };
      assert.equal(ring.ring.length, 3);
      for (const n of ring.ring) {
        assert.deepEqual(Object.values(n.seenBy), ['UN', 'UN', 'UN']);
      }
      const q = await runCli(lab.servicesFile, 'cassandra', 'cql', '-e', 'LIST USERS');
      assert.equal(q.code, 0, q.stderr);
      assert.match(q.stdout, /^\s+name \|/m);
      assert.match(q.stdout, /\(3 rows\)/);
      const file = await variant(lab, 'compute', (doc) => {
        doc.compute_servers = { 'cloud[1-2]': 'on', cloud3: 'no-new', cloud4: 'off' };
      });
      const admin = await dep.cassandra.client('salvo_admin');
      await admin.execute(
        "CREATE KEYSPACE IF NOT EXISTS smc WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
      );
      await admin.close();
      const dry = await runCli(file, 'compute-servers', 'sync', '--dry-run');
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /^cloud3: \(none\) -> no-new$/m);
      assert.match(dry.stdout, /4 change\(s\) planned \(dry run\)/);
      assert.equal((await runCli(file, 'compute-servers', 'sync')).code, 0);
      assert.equal((await runCli(file, 'compute-servers', 'set', 'cloud1', 'no-new')).code, 0);
      const list = await runCli(file, 'compute-servers', 'list', '--json');
      const rows = JSON.parse(list.stdout) as { host: string; status: string }[];
      assert.deepEqual(
        rows.map((r) => `${r.host}=${r.status}`),
        ['cloud1=no-new', 'cloud2=on', 'cloud3=no-new', 'cloud4=off'],
      );
      const again = await runCli(file, 'compute-servers', 'sync', '--json');
      assert.deepEqual(
        (JSON.parse(again.stdout) as { changes: { host: string }[] }).changes.map((c) => c.host),
        ['cloud1'],
      );
      const bad = await runCli(file, 'compute-servers', 'set', 'cloud1', 'maybe');
      assert.equal(bad.code, 2);
    });

    await t.test('data at QUORUM, then a rolling repair over the whole ring', async () => {
      const admin = await dep.cassandra.client('salvo_admin');
      try {
        await admin.execute(
          "CREATE KEYSPACE IF NOT EXISTS smc WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
        );
        await admin.execute(
          'CREATE TABLE IF NOT EXISTS smc.projects (id int PRIMARY KEY, host text)',
        );
        await admin.execute('INSERT INTO smc.projects (id, host) VALUES (?, ?)', [1, 'cloud10']);
        const r = await admin.execute('SELECT host FROM smc.projects WHERE id = ?', [1]);
        assert.deepEqual(r.rows, [{ host: 'cloud10' }]);
      } finally {
        await admin.close();
      }
      assert.equal(
        (await runCli(lab.servicesFile, 'maintenance', 'on', '--reason', 'disk swap')).code,
        0,
      );
      const skipped = await runCli(lab.servicesFile, 'cassandra', 'repair', '--scheduled');
      assert.equal(skipped.code, 6, skipped.stdout + skipped.stderr);
      assert.match(skipped.stdout, /^repair skipped: maintenance is on.*: disk swap$/m);
      assert.equal((await runCli(lab.servicesFile, 'maintenance', 'off')).code, 0);
      const events: string[] = [];
      const s = await dep.cassandra.repair({
        keyspace: 'smc',
        onEvent: (e) => events.push(`${e.kind} ${'host' in e ? e.host : ''}`),
      });
      assert.deepEqual(
        s.done.map((d) => d.host),
        db,
      );
      assert.equal(s.failed, undefined);
      assert.deepEqual(
        events.filter((e) => e.startsWith('node-done')),
        db.map((h) => `node-done ${h}`),
      );
    });

    await t.test(
      'a node killed mid-repair stops the run; resume finishes once it is back',
      async () => {
        for (const h of db) {
          const [r] = await nodetool(h, 'salvo-repair', '{"ms": 2500}');
          assert.ok(r!.ok, r!.stderr);
        }
        let started = 0;
        const run = dep.cassandra.repair({
          keyspace: 'smc',
          onEvent: (e) => {
            if (e.kind === 'node-start') {
              started++;
            }
          },
        });
        while (started < 2) {
          await sleep(50);
        }
        // cloud4 repairs now; cloud5 (a replica of everything) dies under it.
        const pidFile = unitPaths('lab', { service: 'cassandra', instance: 0 }).pidFile;
        const [kill] = await dep.exec(
          ['cloud5'],
          cmd('sh', '-c', 'kill -KILL "$(cat "$1")"', 'salvo', pidFile),
        );
        assert.ok(kill!.ok, kill!.stderr);
        const s = await run;
        assert.equal(s.failed?.host, 'cloud4');
        assert.match(s.failed!.error, /Endpoint not alive|nodetool exit|Failed to connect/);
        assert.deepEqual(s.remaining, ['cloud4', 'cloud5']);

        await assert.rejects(dep.cassandra.repair({ keyspace: 'smc' }), (e: Error) => {
          assert.ok(e instanceof CassandraError && e.failure === 'refused', String(e));
          assert.match(e.message, /DN/);
          return true;
        });

        assert.deepEqual(
          failures(await runOp(dep, 'start', 'cassandra', { hosts: ['cloud5'] })),
          [],
        );
        for (const h of db) {
          for (;;) {
            const [r] = await nodetool(h, 'status');
            if ((r!.stdout.match(/^UN /gm) ?? []).length === 3) {
              break;
            }
            await sleep(200);
          }
        }
        const resumed = await dep.cassandra.repair({ keyspace: 'smc', resume: s.runId });
        assert.deepEqual(
          resumed.done.map((d) => d.host),
          ['cloud4', 'cloud5'],
        );
        const journal = readFileSync(s.journal, 'utf8');
        assert.match(journal, /"t":"node-failed","host":"cloud4"/);
        assert.match(journal, /"t":"end"/);
      },
    );

    await t.test(
      'salvo upgrade cassandra: snapshot, drain, stop, new version, start, UN; one node at a time',
      async () => {
        const up = await runCli(lab.servicesFile, 'upgrade', 'cassandra', '--version', '4.1.6');
        assert.equal(up.code, 0, up.stdout + up.stderr);
        for (const h of db) {
          const [snaps] = await nodetool(h, 'listsnapshots');
          assert.match(snaps!.stdout, /pre-upgrade-4\.1\.6/);
        }
        const admin = await dep.cassandra.client('salvo_admin');
        try {
          const local = await admin.execute('SELECT release_version FROM system.local');
          const peers = await admin.execute('SELECT release_version FROM system.peers');
          assert.deepEqual(
            [...local.rows, ...peers.rows].map((r) => r.release_version),
            ['4.1.6', '4.1.6', '4.1.6'],
          );
          // The data lived through every node's restart.
          const r = await admin.execute('SELECT host FROM smc.projects WHERE id = ?', [1]);
          assert.deepEqual(r.rows, [{ host: 'cloud10' }]);
        } finally {
          await admin.close();
        }
      },
    );
  });
});
