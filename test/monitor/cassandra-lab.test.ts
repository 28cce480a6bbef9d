// The monitor's Cassandra and backup checks on a lab of 3 (db = cloud3, a ring of one): pending
// compactions from `nodetool compactionstats` (the stand-in told how many) by their levels, never
// healed; backup freshness per series against its rule's max_age (fresh, never made, a newest
// snapshot aged past 1× and 2× max_age); `salvo monitor scan` exits by the worst. The history in
// Cassandra's monitor tables (through the product's client, on the CQL simulator): a monitor
// started again takes each subject's state from them, `salvo monitor history` reads them, and
// records that Cassandra refuses (the ring stopped) go to the local file and are read too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Deployment } from '../../admin/deployment/index.js';
import type { HistoryRecord } from '../../admin/monitor/index.js';
import type { Finding } from '../../admin/monitor/index.js';
import { ringOf } from '../../admin/services/cassandra/kind.js';
import { unitsOf } from '../../admin/services/units.js';
import { cmd } from '../../admin/transport/command.js';
import { withLab, isRoot } from '../integration/lab-fixture.js';
import { failures, runOp } from '../integration/services/helpers.js';
import { runCli, variant } from '../integration/services/lab.js';

const byKey = (findings: Finding[], key: string): Finding => {
  const f = findings.find((x) => x.key === key);
  assert.ok(f, `no finding ${key}: ${findings.map((x) => x.key).join(', ')}`);
  return f;
};

/** 2026-12-02T031700Z for a time `hoursAgo` before now. */
function snapshotNameAgo(hoursAgo: number): string {
  return new Date(Date.now() - hoursAgo * 3_600_000)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')
    .replace(/^(\d{4})(\d\d)(\d\d)/, '$1-$2-$3');
}

test('monitor: Cassandra pending compactions and backup freshness on a lab', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 600_000,
}, async (t) => {
  await withLab(3, async (lab) => {
    const file = await variant(lab, 'monitor-db', (doc) => {
      (doc as Record<string, unknown>).monitor = {
        liveness: ['cassandra'],
        progress: { cassandra: { pending_compactions: { warning: 20, critical: 100 } } },
        backups: true,
      };
    });
    const dep = await Deployment.open(file);
    t.after(() => dep.close());
    assert.deepEqual(failures(await runOp(dep, 'start', 'cassandra')), []);
    const [unit] = unitsOf(dep.inventory, 'cassandra');
    const { nodetool } = ringOf(dep.inventory, unit!);
    const pending = async (n: number): Promise<void> => {
      const [r] = await dep.exec(['cloud3'], cmd(...nodetool, 'salvo-compactions', String(n)));
      assert.equal(r!.exitCode, 0, r!.stderr);
    };
    const run = await dep.backup.run({ set: 'data' });
    assert.deepEqual(
      run.results.filter((r) => r.status !== 'ok'),
      [],
    );

    await t.test(
      'an idle node and fresh backups are ok; a series never made is critical',
      async () => {
        const scan = await dep.monitor.scan();
        const c = byKey(scan.findings, 'compactions cassandra#0@cloud3');
        assert.equal(c.state, 'ok');
        assert.equal(c.value, 0);
        assert.equal(c.unit, undefined, 'a compaction backlog is never healed');
        for (const s of ['data/cloud1@cloud2', 'data/cloud2@cloud3', 'data/cloud3@cloud1']) {
          assert.equal(byKey(scan.findings, `backup ${s}`).state, 'ok', s);
        }
        const never = byKey(scan.findings, 'backup cassandra/cloud3@cloud1');
        assert.equal(never.state, 'critical');
        assert.equal(never.host, 'cloud3');
        assert.match(never.message, /no snapshot yet/);
      },
    );

    await t.test('pending compactions past the warning, then the critical level', async () => {
      await pending(30);
      let c = byKey((await dep.monitor.scan()).findings, 'compactions cassandra#0@cloud3');
      assert.equal(c.state, 'warning');
      assert.equal(c.value, 30);
      await pending(150);
      c = byKey((await dep.monitor.scan()).findings, 'compactions cassandra#0@cloud3');
      assert.equal(c.state, 'critical');
      assert.match(
        c.message,
        /150 pending compactions \(critical at 100\): compaction is falling behind/,
      );
      const cli = await runCli(file, 'monitor', 'scan');
      assert.equal(cli.code, 2, cli.stdout + cli.stderr);
      assert.match(
        cli.stdout,
        /critical +compactions +cassandra#0@cloud3: 150 pending compactions/,
      );
      await pending(0);
    });

    await t.test("a series' newest snapshot past 1× then 2× its max_age (26h)", async () => {
      const dir = '/srv/backup/lab/data/cloud1';
      const age = async (hours: number): Promise<void> => {
        const name = snapshotNameAgo(hours);
        const [r] = await dep.exec(
          ['cloud2'],
          // The snapshot's directory, its INFO (which names it) and latest, as if made then.
          `cd ${dir} && old=$(readlink latest) && mv "$old" ${name} && ln -sfn ${name} latest && sed -i 's/"name":"[^"]*"/"name":"${name}"/' ${name}/INFO`,
        );
        assert.equal(r!.exitCode, 0, r!.stderr);
      };
      await age(30);
      let f = byKey((await dep.monitor.scan()).findings, 'backup data/cloud1@cloud2');
      assert.equal(f.state, 'warning');
      assert.equal(f.host, 'cloud1');
      assert.match(
        f.message,
        /newest snapshot 30\.0h old \(max_age 26\.0h\): stale \(warning past 1× max_age\)/,
      );
      await age(60);
      f = byKey((await dep.monitor.scan()).findings, 'backup data/cloud1@cloud2');
      assert.equal(f.state, 'critical');
      // The other copy of the same data is still fresh.
      assert.equal(
        byKey((await dep.monitor.scan()).findings, 'backup data/cloud1@cloud3').state,
        'ok',
      );
    });

    await t.test(
      'history in Cassandra: a restarted monitor resumes from it; monitor history reads it and the fallback file',
      async () => {
        await dep.cassandra.authInit();
        const admin = await dep.cassandra.client('salvo_admin');
        t.after(() => admin.close());
        await admin.execute(
          "CREATE KEYSPACE IF NOT EXISTS smc WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
        );
        const hfile = await variant(lab, 'monitor-cql', (doc) => {
          (doc as Record<string, unknown>).monitor = {
            liveness: ['cassandra'],
            progress: { cassandra: { pending_compactions: { warning: 20, critical: 100 } } },
            history: { cassandra: {}, file: './monitor-fallback.jsonl' },
          };
        });
        const local = `${lab.dir}/monitor-fallback.jsonl`;
        const h = await Deployment.open(hfile);
        t.after(() => h.close());
        await pending(150);
        await h.monitor.run({ interval: '1s', scans: 1 });
        await pending(0);
        // A new monitor: critical comes from monitor_state, so the change is critical → ok.
        await h.monitor.run({ interval: '1s', scans: 1 });
        const rows = await admin.execute(
          'SELECT type, record FROM smc.monitor_history WHERE deployment = ? AND day = ?',
          ['lab', new Date().toISOString().slice(0, 10)],
        );
        assert.ok(rows.rows.some((r) => r.type === 'scan'));
        assert.equal(existsSync(local), false, 'nothing fell back to the local file');
        const cli = await runCli(hfile, 'monitor', 'history', 'compactions', '--json');
        assert.equal(cli.code, 0, cli.stderr);
        const records = cli.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as HistoryRecord);
        const changes = records.map((r) =>
          r.type === 'change' ? `${r.key}: ${r.from ?? 'new'} → ${r.to}` : r.type,
        );
        assert.deepEqual(changes, [
          'compactions cassandra#0@cloud3: new → critical',
          'compactions cassandra#0@cloud3: critical → ok',
        ]);
        // The ring stopped: the scan's records go to the local file, and history reads both.
        assert.deepEqual(failures(await runOp(dep, 'stop', 'cassandra')), []);
        await h.monitor.run({ interval: '1s', scans: 1 });
        assert.equal(existsSync(local), true, 'the records Cassandra refused are kept locally');
        assert.deepEqual(failures(await runOp(dep, 'start', 'cassandra')), []);
        const all = await h.monitor.history({ subject: 'cassandra#0@cloud3' });
        const keys = all.map((r) => (r.type === 'change' ? `${r.key}: ${r.to}` : r.type));
        assert.ok(keys.includes('compactions cassandra#0@cloud3: ok'), keys.join('\n'));
        assert.ok(keys.includes('liveness cassandra#0@cloud3: critical'), keys.join('\n'));
      },
    );
  });
});
