// Distributed backups on a real lab (rsync 3 and flock in network namespaces, 5 hosts): every
// node backs up in one run; a second run on a locked series exits 75 naming the holder, or waits
// with --wait-lock; the holder killed -9 mid-transfer frees the lock at once and publishes
// nothing; a full run's manifest (hashed while rsync ran) matches the data, and a killed full run
// leaves no hasher; retention keeps the newest complete snapshot; verify finds a corrupted file; a
// restore brings back contents, modes, owners, symlinks and hard links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ListResult, PruneResult, RunResult, VerifyResult } from '../../admin/backup/index.js';
import { Deployment } from '../../admin/deployment/deployment.js';
import type { Lab } from '../../admin/lab/index.js';
import { CassandraClient } from '../../admin/cassandra/index.js';
import { parseSums } from '../../admin/backup/verify.js';
import { withLab, isRoot } from './lab-fixture.js';
import { failures, runOp } from './services/helpers.js';
import { json, onHosts, salvo, type Run } from './tinc/fixture.js';

const RULES = `# backup rules of the backup lab test
root: /srv/backup
cron: { file: /srv/salvo/cron.d/salvo-backup, script: /srv/salvo/sbin/salvo-backup, log: /var/log/salvo-backup.log }
sets:
  srv:
    hosts: "cloud[1-5]"
    paths: [/srv/data]
    exclude: ["*.tmp"]
    copies: 2
    retention: { last: 5 }
    max_age: 1h
  slow:
    hosts: cloud1
    targets: cloud2
    paths: [/srv/slow]
    bwlimit: 1000
    retention: { last: 0, daily: 0, weekly: 0, monthly: 0 }
`;

async function backupServices(lab: Lab): Promise<string> {
  const file = join(lab.dir, 'services-backup.yaml');
  await writeFile(join(lab.dir, 'test-backup-rules.yaml'), RULES);
  await writeFile(file, withoutBackup(await readFile(lab.servicesFile, 'utf8')));
  await appendFile(file, 'backup: { rules: ./test-backup-rules.yaml }\n');
  return file;
}

/** The lab's services file without its own backup section (the tests bring their rules). */
function withoutBackup(text: string): string {
  return text.replace(/^backup:.*\n/m, '');
}

/** Another services file for the lab with its own rules (and hosts added to the lab's). */
async function extraServices(lab: Lab, name: string, rules: string[], hosts = ''): Promise<string> {
  const file = join(lab.dir, `services-${name}.yaml`);
  await writeFile(join(lab.dir, `${name}-rules.yaml`), `${rules.join('\n')}\n`);
  const base = withoutBackup(await readFile(lab.servicesFile, 'utf8'));
  await writeFile(
    file,
    `${hosts ? base.replace(/^hosts:\n/m, `hosts:\n${hosts}\n`) : base}backup: { rules: ./${name}-rules.yaml }\n`,
  );
  return file;
}

/**
 * Poll the series through the library (one warm SSH connection: the machine may be loaded, and a
 * CLI per poll could miss a short run) until a run holds it; the holder's pid (on its source).
 */
async function holderOf(dep: Deployment, series: string, running: Promise<Run>): Promise<number> {
  let done = false;
  void running.then(() => {
    done = true;
  });
  for (;;) {
    const l = await dep.backup.list({ series });
    const h = l.series[0]?.holder;
    if (h) {
      return h.pid;
    }
    if (done) {
      assert.fail(`the run ended before it was seen holding ${series}: ${(await running).stdout}`);
    }
  }
}

/** One shell command on one host through the library; its stdout, trimmed. */
async function on(dep: Deployment, host: string, command: string): Promise<string> {
  const r = await dep.exec(host, command);
  const one = r[0]!;
  assert.equal(one.failure?.kind ?? 'nonzero', 'nonzero', `${host}: ${one.failure?.message}`);
  return one.stdout.trim();
}

const DIR = '/srv/backup/lab/slow/cloud1';

/**
 * No process left on the target working in the series (the receiver's rsync, and its manifest's
 * find, openssl and sync run there): polled, as the receiver may still be ending when its run has
 * answered.
 */
async function noneLeftIn(dep: Deployment): Promise<void> {
  const since = Date.now();
  for (;;) {
    const left = await on(
      dep,
      'cloud2',
      `find /proc -mindepth 2 -maxdepth 2 -name cwd -lname '${DIR}/*' 2>/dev/null | while read -r c; do echo "$c $(tr '\\0' ' ' < \${c%cwd}cmdline)"; done`,
    );
    if (left === '') {
      return;
    }
    assert.ok(Date.now() - since < 30_000, `left running on cloud2:\n${left}`);
  }
}

/** No snapshot directory and no stage of a backup left in the hosts' Cassandra data. */
async function noSnapshotLeft(dep: Deployment, hosts: string[]): Promise<void> {
  for (const h of hosts) {
    const left = await on(
      dep,
      h,
      "find /srv/cassandra/data -mindepth 1 -maxdepth 4 \\( -name snapshots -o -name '.salvo-backup-*' \\) | xargs -r find | grep -v '/snapshots$' || true",
    );
    assert.equal(left, '', `${h}: left behind`);
  }
}

test('distributed backups on a lab of 5: run, lock, kill, retention, verify, restore', {
  skip: !isRoot && 'needs root (network namespaces)',
}, async (t) => {
  await withLab(5, async (lab) => {
    const s = await backupServices(lab);
    const dep = await Deployment.open(s);
    t.after(() => dep.close());
    await onHosts(
      s,
      'cloud[1-5]',
      'mkdir -p /srv/data/sub /srv/slow && head -c 200000 /dev/urandom > /srv/data/blob && echo "$(hostname)" > /srv/data/sub/name && echo skip > /srv/data/x.tmp && echo small > /srv/slow/small',
    );

    await t.test(
      "the lab's own services file backs up out of the box, Cassandra included",
      async () => {
        // Cassandra on the db hosts (cloud3-5) with a table of rows: the lab's rules snapshot it.
        assert.deepEqual(failures(await runOp(dep, 'start', 'cassandra')), []);
        const cql = new CassandraClient({
          ...dep.cassandra.connection(),
          username: 'cassandra',
          password: 'cassandra',
        });
        t.after(() => cql.close());
        await cql.execute(
          "CREATE KEYSPACE IF NOT EXISTS bk WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 3}",
        );
        await cql.execute('CREATE TABLE IF NOT EXISTS bk.items (id int PRIMARY KEY, name text)');
        await cql.execute("INSERT INTO bk.items (id, name) VALUES (1, 'first-row-marker')");
        const r = await salvo(lab.servicesFile, 'backup', 'run');
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^backup: 16 series: ok 16$/m);
        const st = await salvo(lab.servicesFile, 'backup', 'status');
        assert.equal(st.code, 0, st.stdout);
        const v = await salvo(lab.servicesFile, 'backup', 'verify');
        assert.equal(v.code, 0, v.stdout);
        // A bare word is a set: only the cassandra rule's series are hashed again.
        const vs = await salvo(lab.servicesFile, 'backup', 'verify', 'cassandra');
        assert.equal(vs.code, 0, vs.stdout);
        const verified = vs.stdout.split('\n').filter((l) => l.startsWith('ok '));
        assert.equal(verified.length, 6, vs.stdout);
        assert.ok(
          verified.every((l) => / cassandra\/cloud[3-5]@/.test(l)),
          vs.stdout,
        );
        // The snapshot on the target holds the table's files in Cassandra's layout, tag removed.
        const tree = '/srv/backup/lab/cassandra/cloud3/latest/tree';
        const files = await on(dep, 'cloud4', `cd ${tree} && find . -type f | sort`);
        assert.match(files, /^\.\/bk\/items-[0-9a-f]{32}\/nb-1-big-Data\.db$/m);
        assert.match(files, /^\.\/bk\/items-[0-9a-f]{32}\/manifest\.json$/m);
        assert.doesNotMatch(files, /snapshots/);
        assert.match(
          await on(dep, 'cloud4', `cat ${tree}/bk/items-*/nb-*-big-Data.db`),
          /first-row-marker/,
        );
        await noSnapshotLeft(dep, ['cloud3', 'cloud4', 'cloud5']);

        // A transfer that fails (the series directory on cloud4 is a file): that series fails,
        // the node's other series publishes, and the snapshot tag is cleared all the same.
        await on(
          dep,
          'cloud4',
          'rm -rf /srv/backup/lab/cassandra/cloud3 && touch /srv/backup/lab/cassandra/cloud3',
        );
        const bad = await salvo(
          lab.servicesFile,
          'backup',
          'run',
          'cassandra',
          '-H',
          'cloud3',
          '--json',
        );
        assert.equal(bad.code, 1, bad.stdout + bad.stderr);
        const res = json<RunResult>(bad).results;
        assert.deepEqual(res.map((x) => `${x.series} ${x.status}`).sort(), [
          'cassandra/cloud3@cloud4 failed',
          'cassandra/cloud3@cloud5 ok',
        ]);
        await noSnapshotLeft(dep, ['cloud3']);
        // The second snapshot on cloud5 hard-links the unchanged SSTable to the first (--link-dest).
        const links = await on(
          dep,
          'cloud5',
          'stat -c %h /srv/backup/lab/cassandra/cloud3/latest/tree/bk/items-*/nb-1-big-Data.db',
        );
        assert.equal(links, '2');
        // A node whose Cassandra is down: its series fail, saying why; nothing is left behind.
        assert.deepEqual(
          failures(await runOp(dep, 'stop', 'cassandra', { hosts: ['cloud5'] })),
          [],
        );
        const down = await salvo(
          lab.servicesFile,
          'backup',
          'run',
          'cassandra',
          '-H',
          'cloud5',
          '--json',
        );
        assert.equal(down.code, 1, down.stdout);
        for (const x of json<RunResult>(down).results) {
          assert.equal(x.status, 'failed');
          assert.match(x.message ?? '', /nodetool snapshot on cloud5 failed/);
        }
        await noSnapshotLeft(dep, ['cloud5']);
        assert.deepEqual(failures(await runOp(dep, 'stop', 'cassandra')), []);
        await onHosts(s, 'cloud[1-5]', 'rm -rf /srv/backup');
      },
    );

    await t.test('--dry-run prints the plan and touches no host', async () => {
      const r = await salvo(s, 'backup', 'run', '--dry-run');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /backup plan: 11 series from cloud\[1-5\] \(5 sources\)/);
      assert.match(r.stdout, /srv\/cloud5@cloud1 +cloud5 → cloud1:\/srv\/backup\/lab\/srv\/cloud5/);
      const there = await onHosts(s, 'cloud[1-5]', 'ls /srv/backup 2>/dev/null | wc -l');
      assert.deepEqual([...new Set(there.values())], ['0']);
    });

    await t.test('every node backs up its own data to two others in one run', async () => {
      const r = await salvo(s, 'backup', 'run', '--json');
      assert.equal(r.code, 0, r.stderr + r.stdout);
      const res = json<RunResult>(r);
      assert.equal(res.results.length, 11);
      assert.deepEqual(
        res.results.filter((x) => x.status !== 'ok'),
        [],
      );
      for (const x of res.results.filter((y) => y.series.startsWith('srv/'))) {
        assert.notEqual(x.source, x.target, 'never its own target');
        assert.equal(x.files, 3, `${x.series}: README, blob and sub/name, not the excluded x.tmp`);
      }
      // The bytes arrived: cloud3's copy of cloud2's name file, read on cloud3.
      const copy = await onHosts(
        s,
        'cloud3',
        `cat ${'/srv/backup/lab/srv/cloud2/latest/tree/srv/data/sub/name'}`,
      );
      assert.equal(copy.get('cloud3'), 'cloud2');
      const v = await salvo(s, 'backup', 'verify', '--json');
      assert.equal(v.code, 0, v.stdout);
      assert.equal(json<VerifyResult>(v).reports.length, 11);
      const st = await salvo(s, 'backup', 'status');
      assert.equal(st.code, 0, st.stdout);
      assert.match(st.stdout, /backup status: all 11 series fresh/);
    });

    await t.test('a second run on a locked series exits 75 naming the holder', async () => {
      await onHosts(s, 'cloud1', 'head -c 8000000 /dev/urandom > /srv/slow/big');
      const first = salvo(s, 'backup', 'run', 'slow');
      const pid = await holderOf(dep, 'slow/cloud1@cloud2', first);
      const second = await salvo(s, 'backup', 'run', 'slow');
      assert.equal(second.code, 75, second.stderr + second.stdout);
      assert.match(
        second.stdout,
        new RegExp(
          `LOCKED: locked by root on cloud1 \\(pid ${pid}\\) since \\S+ \\(\\d+s ago\\): backup slow/cloud1@cloud2`,
        ),
      );
      const one = await first;
      assert.equal(one.code, 0, one.stderr + one.stdout);
    });

    await t.test('--wait-lock waits for the holder, then backs up', async () => {
      await onHosts(s, 'cloud1', 'head -c 8000000 /dev/urandom > /srv/slow/big');
      const first = salvo(s, 'backup', 'run', 'slow', '--json');
      await holderOf(dep, 'slow/cloud1@cloud2', first);
      const second = await salvo(s, 'backup', 'run', 'slow', '--wait-lock', '2m', '--json');
      const one = await first;
      assert.equal(one.code, 0, one.stderr);
      assert.equal(second.code, 0, second.stderr + second.stdout);
      const a = json<RunResult>(one).results[0]!.snapshot!;
      const b = json<RunResult>(second).results[0]!.snapshot!;
      assert.ok(b > a, `${b} published after ${a}`);
    });

    await t.test(
      'the holder killed -9 mid-transfer: lock free at once, nothing partial published',
      async () => {
        const before = json<ListResult>(await salvo(s, 'backup', 'list', 'slow', '--json'))
          .series[0]!;
        assert.ok(before.snapshots.length >= 1);
        await onHosts(s, 'cloud1', 'head -c 8000000 /dev/urandom > /srv/slow/big');
        const run = salvo(s, 'backup', 'run', 'slow');
        const pid = await holderOf(dep, 'slow/cloud1@cloud2', run);
        // Wait until data is flowing into the temporary snapshot, then kill the source's script and its rsync.
        for (;;) {
          const n = await on(dep, 'cloud2', `du -sb ${DIR}/.tmp-*/tree 2>/dev/null | cut -f1`);
          if (Number(n.split('\n')[0] || 0) > 100_000) {
            break;
          }
        }
        // By pid: the holder's script and its children (rsync, ssh) on cloud1.
        await on(dep, 'cloud1', `pkill -9 -P ${pid}; kill -9 ${pid}`);
        const r = await run;
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /slow\/cloud1@cloud2 +FAILED/);
        const freed = Date.now();
        for (;;) {
          const free = await on(dep, 'cloud2', `flock -n ${DIR}/.lock echo free || echo held`);
          if (free === 'free') {
            break;
          }
          assert.ok(Date.now() - freed < 10_000, 'the lock was not freed within 10 s of the kill');
        }
        await noneLeftIn(dep);
        const after = json<ListResult>(await salvo(s, 'backup', 'list', 'slow', '--json'))
          .series[0]!;
        assert.equal(after.holder, undefined);
        assert.deepEqual(
          after.snapshots.map((x) => x.name),
          before.snapshots.map((x) => x.name),
          'no snapshot published by the killed run',
        );
        const latest = await onHosts(s, 'cloud2', `readlink ${DIR}/latest`);
        assert.equal(latest.get('cloud2'), before.snapshots.at(-1)!.name);
        const v = await salvo(s, 'backup', 'verify', 'slow/cloud1');
        assert.equal(v.code, 0, v.stdout);
        // The next run clears the leftover and publishes.
        const again = await salvo(s, 'backup', 'run', 'slow', '--no-prune');
        assert.equal(again.code, 0, again.stdout + again.stderr);
        const left = await onHosts(s, 'cloud2', `ls -a ${DIR} | grep -c '^.tmp-' || true`);
        assert.equal(left.get('cloud2'), '0');
      },
    );

    await t.test(
      'a full run: the manifest matches the data byte for byte; killed mid-transfer, it leaves no process behind',
      async () => {
        // A full run is one without a previous snapshot: the series is set aside for this test.
        await on(dep, 'cloud2', `mv ${DIR} ${DIR}.aside`);
        try {
          // 48 new files of different sizes, one empty, one hard-linked twice, next to the 8 MB
          // file and the small one.
          await onHosts(
            s,
            'cloud1',
            'mkdir -p /srv/slow/many && cd /srv/slow/many && for i in $(seq 1 48); do head -c $((i * 3001)) /dev/urandom > f$i; done && : > empty && ln f7 f7-link',
          );
          const r = await salvo(s, 'backup', 'run', 'slow', '--no-prune');
          assert.equal(r.code, 0, r.stdout + r.stderr);
          // On the target: the MANIFEST against sha256sum of every file of the published tree.
          const out = await on(
            dep,
            'cloud2',
            `cd ${DIR}/latest && cat MANIFEST && echo ---- && cd tree && find . -type f -print0 | xargs -0 sha256sum`,
          );
          const [manifest, actual] = out.split('\n----\n');
          const want = parseSums(actual!);
          assert.ok(want.size >= 52, `${want.size} files`);
          assert.deepEqual(parseSums(manifest!), want);
          const left = await on(dep, 'cloud2', `ls -A ${DIR}/latest`);
          assert.deepEqual(left.split('\n').sort(), ['INFO', 'MANIFEST', 'tree']);
          await noneLeftIn(dep);

          // Again from nothing, killed once files have arrived (the set's bandwidth limit makes
          // the transfer last).
          await on(dep, 'cloud2', `rm -rf ${DIR}`);
          const run = salvo(s, 'backup', 'run', 'slow');
          const pid = await holderOf(dep, 'slow/cloud1@cloud2', run);
          for (;;) {
            const n = await on(
              dep,
              'cloud2',
              `find ${DIR}/.tmp-*/tree -type f 2>/dev/null | wc -l`,
            );
            if (Number(n) > 0) {
              break;
            }
            assert.equal(
              await Promise.race([run.then(() => 'ended'), Promise.resolve('running')]),
              'running',
              'the run ended before any file arrived',
            );
          }
          await on(dep, 'cloud1', `pkill -9 -P ${pid}; kill -9 ${pid}`);
          assert.equal((await run).code, 1);
          await noneLeftIn(dep);
        } finally {
          await on(dep, 'cloud2', `rm -rf ${DIR} && mv ${DIR}.aside ${DIR}`);
          await onHosts(s, 'cloud1', 'rm -rf /srv/slow/many');
        }
      },
    );

    await t.test(
      'retention keeps the newest complete snapshot whatever the counts say',
      async () => {
        const before = json<ListResult>(await salvo(s, 'backup', 'list', 'slow', '--json'))
          .series[0]!;
        assert.ok(before.snapshots.length >= 2, 'several snapshots to prune');
        const dry = await salvo(s, 'backup', 'prune', 'slow', '--dry-run', '--json');
        assert.equal(dry.code, 0, dry.stdout);
        const plan = json<PruneResult>(dry).reports[0]!;
        assert.deepEqual(plan.keep, [before.snapshots.at(-1)!.name]);
        assert.equal(
          json<ListResult>(await salvo(s, 'backup', 'list', 'slow', '--json')).series[0]!.snapshots
            .length,
          before.snapshots.length,
          'a dry run removes nothing',
        );
        const r = await salvo(s, 'backup', 'prune', 'slow');
        assert.equal(r.code, 0, r.stdout);
        const after = json<ListResult>(await salvo(s, 'backup', 'list', 'slow', '--json'))
          .series[0]!;
        assert.deepEqual(
          after.snapshots.map((x) => x.name),
          [before.snapshots.at(-1)!.name],
        );
        const v = await salvo(s, 'backup', 'verify', 'slow/cloud1');
        assert.equal(v.code, 0, v.stdout);
      },
    );

    await t.test('verify reports a corrupted, a missing and an extra file', async () => {
      const tree = '/srv/backup/lab/srv/cloud4/latest/tree/srv/data';
      await onHosts(
        s,
        'cloud5',
        `printf X | dd of=${tree}/blob bs=1 seek=1000 conv=notrunc status=none && rm ${tree}/sub/name && echo new > ${tree}/intruder`,
      );
      const r = await salvo(s, 'backup', 'verify', 'srv/cloud4@cloud5');
      assert.equal(r.code, 1, r.stdout);
      assert.match(r.stdout, /^FAILED srv\/cloud4@cloud5 \S+: 3 files$/m);
      assert.match(r.stdout, /^ {2}changed \.\/srv\/data\/blob$/m);
      assert.match(r.stdout, /^ {2}missing \.\/srv\/data\/sub\/name$/m);
      assert.match(r.stdout, /^ {2}extra \.\/srv\/data\/intruder$/m);
      const other = await salvo(s, 'backup', 'verify', 'srv/cloud4@cloud1');
      assert.equal(other.code, 0, `the other copy is intact: ${other.stdout}`);
    });

    await t.test(
      'restore round trip: contents, modes, owners, symlinks and hard links',
      async () => {
        const prints =
          'cd /srv/data && find . -printf "%p %y %m %U:%G %s %n %l\\n" | LC_ALL=C sort && find . -type f -exec sha256sum {} + | LC_ALL=C sort';
        await onHosts(
          s,
          'cloud2',
          'cd /srv/data && mkdir -p odd && echo secret > odd/key && chmod 600 odd/key && chown 1234:5678 odd/key && chmod 750 odd && ln -sf ../blob odd/link && ln -f blob odd/hard',
        );
        const r0 = await salvo(s, 'backup', 'run', 'srv', '-H', 'cloud2');
        assert.equal(r0.code, 0, r0.stdout + r0.stderr);
        const want = (await onHosts(s, 'cloud2', prints)).get('cloud2')!;
        await onHosts(
          s,
          'cloud2',
          'rm -rf /srv/data/odd /srv/data/blob && echo changed > /srv/data/sub/name',
        );
        const dry = await salvo(s, 'backup', 'restore', 'srv/cloud2', '--to', 'cloud2:/');
        assert.equal(dry.code, 0, dry.stderr + dry.stdout);
        assert.match(dry.stdout, /would make \d+ changes \(dry run; --apply to do it\)/);
        assert.match(dry.stdout, /srv\/data\/odd\/key/);
        assert.notEqual(
          (await onHosts(s, 'cloud2', prints)).get('cloud2'),
          want,
          'a dry run changes nothing',
        );
        const r = await salvo(
          s,
          'backup',
          'restore',
          'srv/cloud2@cloud4',
          '--to',
          'cloud2:/',
          '--apply',
        );
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /restored srv\/cloud2@cloud4 \S+ \(from cloud4\) to cloud2:\//);
        assert.equal((await onHosts(s, 'cloud2', prints)).get('cloud2'), want);
      },
    );

    await t.test('a source path rsync cannot read: nothing published, latest kept', async () => {
      const before = await onHosts(s, 'cloud1', 'readlink /srv/backup/lab/srv/cloud5/latest');
      await onHosts(s, 'cloud5', 'mv /srv/data /srv/data.away');
      try {
        const r = await salvo(s, 'backup', 'run', 'srv', '-H', 'cloud5');
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(
          r.stdout,
          /srv\/cloud5@cloud1 +FAILED: nothing published: rsync exit 23 on cloud5: .*\/srv\/data/,
        );
        const after = await onHosts(
          s,
          'cloud1',
          'readlink /srv/backup/lab/srv/cloud5/latest; ls -a /srv/backup/lab/srv/cloud5 | grep -c "^[.]tmp-" || true',
        );
        assert.equal(after.get('cloud1'), `${before.get('cloud1')}\n0`);
      } finally {
        await onHosts(s, 'cloud5', 'mv /srv/data.away /srv/data');
      }
    });

    await t.test(
      'a file changed during the backup is reported, by name, on each series',
      async () => {
        // A writer appends to one file all through the run (its own session: the exec returns).
        await onHosts(
          s,
          'cloud3',
          `setsid sh -c 'i=0; while [ $i -lt 800 ]; do echo "line $i" >> /srv/data/busy.log; sleep 0.01; i=$((i + 1)); done' </dev/null >/dev/null 2>&1 & echo $! > /tmp/salvo-busy.pid`,
        );
        try {
          const r = await salvo(s, 'backup', 'run', 'srv', '-H', 'cloud3');
          assert.equal(r.code, 0, r.stdout + r.stderr);
          const lines = r.stdout.split('\n').filter((l) => /srv\/cloud3@/.test(l));
          assert.equal(lines.length, 2, r.stdout);
          for (const l of lines) {
            assert.match(
              l,
              / ok \S+ .* — changed during the backup, the copy may mix old and new: 1 file\(s\): \/srv\/data\/busy\.log$/,
            );
          }
        } finally {
          await onHosts(
            s,
            'cloud3',
            'kill $(cat /tmp/salvo-busy.pid) 2>/dev/null; rm -f /srv/data/busy.log /tmp/salvo-busy.pid',
          );
        }
        // A quiet run names nothing.
        const quiet = await salvo(s, 'backup', 'run', 'srv', '-H', 'cloud3');
        assert.equal(quiet.code, 0, quiet.stdout + quiet.stderr);
        assert.doesNotMatch(quiet.stdout, /changed during/);
      },
    );
    await t.test(
      'a target whose disk fills: clear error, nothing published, earlier snapshots intact',
      async () => {
        const f = await extraServices(lab, 'full', [
          'root: /srv/small',
          'sets:',
          '  full: { hosts: cloud3, targets: cloud4, paths: [/srv/big3], retention: { last: 5 } }',
        ]);
        await onHosts(
          f,
          'cloud4',
          'mkdir -p /srv/small && mount -t tmpfs -o size=2m salvo-small /srv/small',
        );
        try {
          await onHosts(f, 'cloud3', 'mkdir -p /srv/big3 && echo first > /srv/big3/a');
          const ok = await salvo(f, 'backup', 'run');
          assert.equal(ok.code, 0, ok.stdout + ok.stderr);
          await onHosts(f, 'cloud3', 'head -c 3000000 /dev/urandom > /srv/big3/b');
          const r = await salvo(f, 'backup', 'run');
          assert.equal(r.code, 1, r.stdout + r.stderr);
          assert.match(
            r.stdout,
            // rsync's own "No space left on device" when it reaches the source before the
            // connection closes (usually); otherwise its exit code 11 (file I/O error).
            /full\/cloud3@cloud4 +FAILED: .*(No space left on device|rsync exit 11)/,
          );
          const l = json<ListResult>(await salvo(f, 'backup', 'list', '--json')).series[0]!;
          assert.deepEqual(
            l.snapshots.map((x) => x.files),
            [1],
            'only the first snapshot, with its one file',
          );
          const v = await salvo(f, 'backup', 'verify');
          assert.equal(v.code, 0, v.stdout);
        } finally {
          await onHosts(f, 'cloud4', 'umount /srv/small');
        }
      },
    );

    await t.test(
      'an unreachable target: that series fails, the others succeed, exit 3',
      async () => {
        const ghost = lab.hosts[0]!.address.replace(/\.\d+$/, '.250');
        const f = await extraServices(
          lab,
          'far',
          [
            'root: /srv/backup-far',
            'sets:',
            '  far: { hosts: cloud2, targets: ghost, paths: [/srv/data] }',
            '  near: { hosts: cloud3, targets: cloud4, paths: [/srv/data] }',
          ],
          `  ghost: { address: "${ghost}" }`,
        );
        const r = await salvo(f, 'backup', 'run', '--json');
        assert.equal(r.code, 3, r.stdout + r.stderr);
        const res = json<RunResult>(r).results;
        assert.deepEqual(
          res.map((x) => [x.series, x.status]),
          [
            ['far/cloud2@ghost', 'unreachable'],
            ['near/cloud3@cloud4', 'ok'],
          ],
        );
        assert.match(res[0]!.message!, /^ghost: /);
      },
    );

    await t.test('cron install writes each node its cron file and script, once', async () => {
      const r = await salvo(s, 'backup', 'cron', 'install');
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /^cloud1: installed$/m);
      const again = await salvo(s, 'backup', 'cron', 'install');
      assert.equal(again.code, 0);
      assert.equal((again.stdout.match(/: unchanged$/gm) ?? []).length, 5);
      const cron = await onHosts(s, 'cloud1', 'cat /srv/salvo/cron.d/salvo-backup');
      assert.match(
        cron.get('cloud1')!,
        /^17 3 \* \* \* root \/srv\/salvo\/sbin\/salvo-backup --scheduled --log \/var\/log\/salvo-backup.log srv$/m,
      );
      assert.match(
        cron.get('cloud1')!,
        /^17 3 \* \* \* root \/srv\/salvo\/sbin\/salvo-backup --scheduled --log \/var\/log\/salvo-backup.log slow$/m,
      );
      // What cron would run, run by hand: a new snapshot and the exit code in the log.
      const cronRun =
        '/srv/salvo/sbin/salvo-backup --scheduled --log /var/log/salvo-backup.log srv; echo "rc=$?"; tail -n 2 /var/log/salvo-backup.log';
      const ran = await onHosts(s, 'cloud3', cronRun);
      assert.match(ran.get('cloud3')!, /^rc=0\n.*\n== \S+ exit 0$/);
      // Maintenance on (the switch on cloud1, the lock host): cron's run skips with exit 6 and
      // says why in its log, contacting no target; `backup run --scheduled` skips the same way.
      const on = await salvo(s, 'maintenance', 'on', '--reason', 'disk swap');
      assert.equal(on.code, 0, on.stderr);
      const before = json<ListResult>(
        await salvo(s, 'backup', 'list', 'srv', '--series', 'srv/cloud3@cloud4', '--json'),
      ).series[0]!.snapshots.length;
      const skipped = await onHosts(s, 'cloud3', cronRun);
      assert.match(
        skipped.get('cloud3')!,
        /^rc=6\nSALVO-SKIPPED maintenance is on \(cloud1:\/srv\/salvo\/lab\/maintenance\): \{.*"reason":"disk swap"\}\n== \S+ exit 6$/,
      );
      const adminRun = await salvo(s, 'backup', 'run', 'srv', '--scheduled');
      assert.equal(adminRun.code, 6, adminRun.stdout + adminRun.stderr);
      assert.match(
        adminRun.stdout,
        /^backup: skipped, maintenance is on \(cloud1:\/srv\/salvo\/lab\/maintenance, by \S+ since \S+: disk swap\)/,
      );
      // By hand (no --scheduled) a run still goes.
      const hand = await onHosts(
        s,
        'cloud3',
        '/srv/salvo/sbin/salvo-backup srv >/dev/null; echo "rc=$?"',
      );
      assert.equal(hand.get('cloud3'), 'rc=0');
      assert.equal((await salvo(s, 'maintenance', 'off')).code, 0);
      const after = json<ListResult>(
        await salvo(s, 'backup', 'list', 'srv', '--series', 'srv/cloud3@cloud4', '--json'),
      ).series[0]!.snapshots.length;
      assert.equal(after, before + 1, 'only the run by hand made a snapshot');
      assert.match((await onHosts(s, 'cloud3', cronRun)).get('cloud3')!, /^rc=0\n/);
      const removed = await salvo(s, 'backup', 'cron', 'remove', '-H', 'cloud3');
      assert.match(removed.stdout, /^cloud3: removed$/m);
    });
  });
});
