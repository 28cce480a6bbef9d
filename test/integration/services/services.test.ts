// Service kinds on a real 5-host lab: start/stop/restart/status of every kind with the lab's stand-ins
// (and the real nginx, nginx.ts), two hubs per host behind a real haproxy, drain/ready
// through its runtime API, a zero-drop rolling restart, upgrade and drift. The plans run step by
// step (helpers.ts), so these
// tests exercise the kinds alone, not the rollout engine — except the cassandra gate (`nodetool
// status` = UN, through the lab's nodetool stand-in), which `salvo start` itself must wait for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { cmd } from '../../../admin/transport/command.js';
import { drainSteps, readySteps } from '../../../admin/services/fronting.js';
import { parseShowStat, serverRow, showStat } from '../../../admin/probes/haproxy/index.js';
import { haproxyPaths } from '../../../admin/services/layout.js';
import { withLab, isRoot } from '../lab-fixture.js';
import { failures, runOp, statusOf } from './helpers.js';
import { duringLoad } from './load.js';
import { hubIds, runCli, variant } from './lab.js';
import { nginxChecks } from './nginx.js';
import { cassandraGate } from './cassandra.js';

test('service kinds on a 5-host lab', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 600_000,
}, async (t) => {
  await withLab(5, async (lab) => {
    const dep = await Deployment.open(lab.servicesFile);
    t.after(() => dep.close());
    const edge = lab.hosts[2]!.address; // cloud3 runs haproxy
    const pidsOf = async (service: string): Promise<number[]> =>
      (await statusOf(dep, service)).map((s) => s.health?.pid ?? 0);

    await t.test('start all, in file order: every step succeeds', async () => {
      for (const service of dep.inventory.services.keys()) {
        assert.deepEqual(failures(await runOp(dep, 'start', service)), [], service);
      }
    });

    await t.test(
      'status: every unit running, two hubs per web host, versions reported',
      async () => {
        const all = await statusOf(dep, 'all');
        assert.deepEqual(
          all.filter((s) => s.health?.state !== 'running'),
          [],
        );
        const hubs = all.filter((s) => s.unit.service === 'hub');
        assert.deepEqual(
          hubs.map((s) => `${s.unit.host}:${s.unit.instance}`),
          ['cloud1:0', 'cloud1:1', 'cloud2:0', 'cloud2:1'],
        );
        assert.equal(new Set(hubs.map((s) => s.health?.pid)).size, 4);
        assert.ok(hubs.every((s) => s.health?.version === '1.0.0'));
        assert.match(all.find((s) => s.unit.service === 'haproxy')!.health!.version!, /^2\.\d+/);
        assert.equal(
          all.filter((s) => s.unit.service === 'cassandra' && s.health?.version === '4.1.5').length,
          3,
        );
      },
    );

    await t.test('start again changes nothing: already running, same pids', async () => {
      const before = await pidsOf('hub');
      const runs = await runOp(dep, 'start', 'hub');
      assert.ok(
        runs
          .filter((r) => r.name.includes('start ('))
          .every((r) => /^already running/.test(r.output)),
      );
      assert.deepEqual(await pidsOf('hub'), before);
    });

    await t.test('haproxy is rendered from the file and serves through to every hub', async () => {
      const [cfg] = await dep.exec(['cloud3'], cmd('cat', haproxyPaths('lab').config));
      for (const s of ['cloud1:0', 'cloud1:1', 'cloud2:0', 'cloud2:1']) {
        assert.match(cfg!.stdout, new RegExp(`server ${s} 198\\.18\\.\\d+\\.\\d:500\\d`));
      }
      assert.deepEqual([...(await hubIds(`http://${edge}:8000/`, 40))].sort(), [
        'hub#0@cloud1',
        'hub#0@cloud2',
        'hub#1@cloud1',
        'hub#1@cloud2',
      ]);
    });

    await t.test('drain and ready through the runtime API', async () => {
      const unit = { service: 'hub', host: 'cloud1', instance: 0, placement: {} };
      const stat = async () =>
        serverRow(
          parseShowStat(
            (await dep.exec(['cloud3'], showStat(haproxyPaths('lab').socket)))[0]!.stdout,
          ),
          'hub',
          'cloud1:0',
        );
      for (const s of drainSteps(dep.inventory, unit)) {
        assert.ok((await dep.exec([s.host], s.command, { timeoutMs: s.timeoutMs }))[0]!.ok, s.name);
      }
      assert.equal((await stat())?.status, 'DRAIN');
      assert.ok(
        !(await hubIds(`http://${edge}:8000/`, 40)).has('hub#0@cloud1'),
        'a drained server gets no new requests',
      );
      for (const s of readySteps(dep.inventory, unit)) {
        const [r] = await dep.exec([s.host], s.command, { timeoutMs: s.timeoutMs });
        assert.match(r!.stdout, /hub\/cloud1:0 is UP in haproxy/);
      }
      assert.equal((await stat())?.status, 'UP');
      assert.ok((await hubIds(`http://${edge}:8000/`, 40)).has('hub#0@cloud1'));
    });

    await t.test('rolling restart of 4 hubs under load: no request fails', async () => {
      const before = await pidsOf('hub');
      const {
        result: runs,
        report,
        seconds,
      } = await duringLoad(`http://${edge}:8000/`, () => runOp(dep, 'restart', 'hub'));
      assert.deepEqual(failures(runs), []);
      assert.deepEqual(report.errors, []);
      assert.equal(report.failed, 0);
      // Traffic all through the restarts; the rate itself depends on how loaded the machine is.
      assert.ok(report.sent >= 200, `${report.sent} requests in ${seconds.toFixed(1)} s`);
      const after = await pidsOf('hub');
      assert.ok(
        after.every((pid, i) => pid !== before[i]),
        'every hub runs a new process',
      );
    });

    await t.test(
      'restart haproxy under load: a seamless reload to a new pid, no request fails',
      async () => {
        const [before] = await pidsOf('haproxy');
        const { result: runs, report } = await duringLoad(`http://${edge}:8000/`, () =>
          runOp(dep, 'restart', 'haproxy'),
        );
        assert.deepEqual(failures(runs), []);
        assert.match(runs.at(-1)!.output, new RegExp(`^reloaded \\(pid ${before} → \\d+\\)`, 'm'));
        assert.deepEqual(report.errors, []);
        assert.equal(report.failed, 0);
        assert.ok(report.sent > 0);
        const [after] = await pidsOf('haproxy');
        assert.notEqual(after, before, 'a new haproxy process took the sockets over');
        assert.deepEqual([...(await hubIds(`http://${edge}:8000/`, 40))].sort(), [
          'hub#0@cloud1',
          'hub#0@cloud2',
          'hub#1@cloud1',
          'hub#1@cloud2',
        ]);
      },
    );

    await t.test(
      'upgrade hub --version 2.0.0: status shows it, diff reports it, upgrading back clears it',
      async () => {
        assert.deepEqual(failures(await runOp(dep, 'upgrade', 'hub', { version: '2.0.0' })), []);
        assert.ok((await statusOf(dep, 'hub')).every((s) => s.health?.version === '2.0.0'));
        const diff = await runCli(lab.servicesFile, 'diff');
        assert.equal(diff.code, 1);
        assert.match(diff.stdout, /^~ hub#0-1 cloud\[1-2\]: runs 2\.0\.0, file says 1\.0\.0/m);
        // A plain restart keeps what runs, and says so; its dry run shows it (issue 9, item 11).
        const plan = await runCli(lab.servicesFile, 'restart', 'hub', '--dry-run');
        assert.equal(plan.code, 0, plan.stderr);
        assert.match(plan.stdout, /start \(version 2\.0\.0\)/);
        assert.doesNotMatch(plan.stdout, /start \(version 1\.0\.0\)/);
        assert.match(
          plan.stdout,
          /note: 4 units of hub \(.*\) run 2\.0\.0, the services file says 1\.0\.0: restart keeps 2\.0\.0; to switch, salvo upgrade hub --version 1\.0\.0/,
        );
        const before = (await statusOf(dep, 'hub')).map((s) => s.health?.pid);
        const restart = await runCli(lab.servicesFile, 'restart', 'hub');
        assert.equal(restart.code, 0, restart.stdout + restart.stderr);
        assert.match(
          restart.stdout + restart.stderr,
          /note: 4 units of hub .* restart keeps 2\.0\.0/,
        );
        const after = await statusOf(dep, 'hub');
        assert.ok(
          after.every((s) => s.health?.version === '2.0.0'),
          JSON.stringify(after),
        );
        assert.ok(
          after.every((s, i) => s.health?.pid !== before[i]),
          'every hub was restarted',
        );
        await assert.rejects(
          dep.restart('hub', { version: '1.0.0' }),
          /restart keeps the version that runs; to switch versions: upgrade\('hub'/,
        );
        assert.deepEqual(failures(await runOp(dep, 'upgrade', 'hub', { version: '1.0.0' })), []);
        assert.equal((await runCli(lab.servicesFile, 'diff')).code, 0);
      },
    );

    await t.test(
      'nginx (real): per-host static files, /static/ through haproxy, HUP reload under load, drained stop',
      () => nginxChecks(lab, dep),
    );

    await t.test(
      'a start that fails (bad port): the step fails with the log; status stopped with the tail',
      async () => {
        const file = await variant(lab, 'bad', (doc) => {
          doc.services.snap!.command = doc.services.snap!.command!.map((a) =>
            a === '{port}' ? '99999' : a,
          );
          doc.services.snap!.start_timeout = 5;
        });
        const v = await Deployment.open(file);
        try {
          const runs = await runOp(v, 'restart', 'snap', { hosts: ['cloud2'] });
          const failed = failures(runs);
          assert.equal(failed.length, 1);
          assert.match(failed[0]!.output, /exited during start-up[\s\S]*fatal: bad port "99999"/);
          const [s] = await statusOf(v, 'snap', ['cloud2']);
          assert.equal(s!.health?.state, 'stopped');
          assert.match(s!.health!.logTail!, /fatal: bad port "99999"/);
          const cli = await runCli(file, 'status', 'snap', '-H', 'cloud2');
          assert.equal(cli.code, 1);
          assert.match(
            cli.stdout,
            /snap#0@cloud2 stopped: pid \d+ exited[\s\S]*\| .*fatal: bad port/,
          );
        } finally {
          await v.close();
        }
        assert.deepEqual(
          failures(await runOp(dep, 'start', 'snap', { hosts: ['cloud2'] })),
          [],
          'the good file starts it again',
        );
      },
    );

    await t.test('stop escalates to KILL for a process that ignores TERM', async () => {
      const file = await variant(lab, 'deaf', (doc) => {
        doc.services.cassandra!.command = [...doc.services.cassandra!.command!, '--ignore-term'];
        doc.services.cassandra!.stop_timeout = 1;
      });
      const v = await Deployment.open(file);
      try {
        assert.deepEqual(
          failures(await runOp(v, 'restart', 'cassandra', { hosts: ['cloud5'] })),
          [],
        );
        const runs = await runOp(v, 'stop', 'cassandra', { hosts: ['cloud5'] });
        // cassandra drains first (nodetool drain), then stops.
        assert.deepEqual(
          runs.map((r) => r.name.replace(/^.*: /, '')),
          ['nodetool drain', 'stop'],
        );
        assert.match(runs[1]!.output, /^stopped \(pid \d+, TERM ignored for 1s, then KILL\)$/);
        assert.equal((await statusOf(v, 'cassandra', ['cloud5']))[0]!.health?.state, 'stopped');
      } finally {
        await v.close();
      }
      assert.deepEqual(failures(await runOp(dep, 'start', 'cassandra', { hosts: ['cloud5'] })), []);
    });

    await t.test(
      'cassandra: start waits through Joining until UN; a killed node reads stopped, its peers stay running',
      () => cassandraGate(lab, dep),
    );

    await t.test(
      'diff: a unit running outside the services file; the tinc hook reports status',
      async () => {
        const file = await variant(lab, 'nosnap', (doc) => {
          delete doc.services.snap;
          doc.tinc = {};
        });
        const diff = await runCli(file, 'diff');
        assert.equal(diff.code, 1);
        assert.match(
          diff.stdout,
          /^- snap#0 cloud\[1-2\]: runs 1\.0\.0 but the services file does not list it here$/m,
        );
        const tinc = await runCli(file, 'status', 'tinc', '--json');
        const lines = tinc.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { state: string; detail: string });
        assert.equal(lines.length, 5);
        assert.ok(lines.every((l) => l.state === 'stopped' && l.detail === 'no pid file'));
      },
    );

    await t.test('stop all, in reverse file order: nothing of ours runs any more', async () => {
      const pids = (await statusOf(dep, 'all')).map((s) => s.health?.pid ?? 0);
      for (const service of [...dep.inventory.services.keys()].reverse()) {
        assert.deepEqual(failures(await runOp(dep, 'stop', service)), [], service);
      }
      assert.ok((await statusOf(dep, 'all')).every((s) => s.health?.state === 'stopped'));
      // A zombie counts as gone: this machine's pid 1 does not always reap what it inherits.
      const state = async (pid: number): Promise<string> =>
        /State:\s+(\S)/.exec(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => ''))?.[1] ??
        'gone';
      const alive = [];
      for (const pid of pids) {
        if (!['gone', 'Z'].includes(await state(pid))) {
          alive.push(pid);
        }
      }
      assert.deepEqual(alive, []);
      const status = await runCli(lab.servicesFile, 'status');
      assert.equal(status.code, 1);
      assert.match(status.stdout, /^hub +stopped +#0-1 cloud\[1-2\] \(4\)/m);
    });
  });
});
