// The real service kinds on a lab, through the real CLI. The lab's hubs exit on TERM without
// finishing requests (as SMC's do) and the load keeps slow requests in flight on every hub, so:
// a rolling hub restart under ≥ 100 requests/s through haproxy drops nothing because each hub
// is drained first, and the same restart with --no-drain drops requests (the test sees drops).
// Then a port some other process holds: the start fails at once, naming that process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startLoad, type LoadReport } from '../../../admin/cli/demo/load.js';
import { withLab, isRoot } from '../lab-fixture.js';
import { variant } from '../services/lab.js';

const BIN = resolve('bin/salvo');
const RPS = 150;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Async on purpose: the load generator runs in this process and must keep its pace meanwhile. */
function salvo(file: string, ...args: string[]): Promise<Run> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, '-s', file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('exit', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

/** `salvo ARGS…` while RPS requests/s (a third of them slow) go through haproxy. */
async function underLoad(
  file: string,
  url: string,
  ...args: string[]
): Promise<{ run: Run; report: LoadReport }> {
  const load = startLoad(url, RPS);
  await new Promise((r) => setTimeout(r, 1000));
  const run = await salvo(file, ...args);
  await new Promise((r) => setTimeout(r, 500));
  const report = await load.stop();
  assert.ok(
    report.sent >= (100 * report.durationMs) / 1000,
    `only ${report.sent} requests in ${report.durationMs} ms`,
  );
  assert.ok(
    report.slow >= report.sent / 5,
    `only ${report.slow} of ${report.sent} requests were slow`,
  );
  return { run, report };
}

test('services on a lab: rolling restart drops nothing only when draining; a taken port fails the start at once', {
  skip: !isRoot && 'needs root (network namespaces)',
}, async (t) => {
  await withLab(5, async (lab) => {
    const file = lab.servicesFile; // hub ×2 on cloud[1-2], snap, haproxy on cloud3, cassandra on cloud[3-5]
    const haproxy = `http://${lab.hosts[2]!.address}:8000/`;
    const started = await salvo(file, 'start', 'all');
    assert.equal(started.code, 0, started.stdout + started.stderr);

    await t.test(
      'restart hub --rolling under load: each hub drained first, 0 failed requests',
      async () => {
        const { run, report } = await underLoad(file, haproxy, 'restart', 'hub', '--rolling');
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(
          run.stdout,
          /plan: restart hub: 4 units in 4 batches \(serial, rolling\), health gates on/,
        );
        assert.equal(
          (run.stdout.match(/drain hub\/cloud\d:\d in haproxy \[on cloud3\]: ok/g) ?? []).length,
          4,
        );
        assert.deepEqual(report.errors, []);
        assert.equal(report.failed, 0);
        assert.equal(report.servedBy.size, 4, `served by ${[...report.servedBy.keys()]}`);
      },
    );

    await t.test(
      'the same restart with --no-drain drops the requests in flight (the check above can fail)',
      async () => {
        // Two hubs are enough: each has ~6 slow requests in flight whenever it is stopped.
        const { run, report } = await underLoad(
          file,
          haproxy,
          'restart',
          'hub',
          '--rolling',
          '--no-drain',
          '-H',
          'cloud1',
        );
        assert.equal(run.code, 0, run.stdout + run.stderr);
        assert.match(
          run.stdout,
          /plan: restart hub on cloud1: 2 units in 2 batches \(serial, rolling\)/,
        );
        assert.doesNotMatch(run.stdout, /drain/);
        assert.ok(
          report.failed > 0,
          `no request failed: ${JSON.stringify({ ...report, servedBy: [...report.servedBy] })}`,
        );
        t.diagnostic(
          `--no-drain: ${report.failed} of ${report.sent} requests failed, e.g. ${report.errors[0]}`,
        );
      },
    );

    await t.test(
      'a port held by another process: start fails at once naming it; quarantine; the budget stops the rest',
      async () => {
        assert.equal((await salvo(file, 'stop', 'hub', '-H', 'cloud2')).code, 0);
        // A squatter on hub#0's port, detached so it outlives the command; killed by its recorded pid.
        const squat = await salvo(
          file,
          'exec',
          'cloud2',
          '--',
          `setsid -f ${process.execPath} -e 'require("fs").writeFileSync("/srv/squatter.pid", String(process.pid)); ` +
            // haproxy's health checks connect and reset: the squatter must survive them.
            `require("net").createServer((s) => s.on("error", () => undefined)).listen(5000)' >/dev/null 2>&1; ` +
            'sleep 0.5; cat /srv/squatter.pid',
        );
        assert.equal(squat.code, 0, squat.stdout + squat.stderr);
        const holder = /^(?:cloud2: )?(\d+)\s*$/m.exec(squat.stdout)?.[1];
        assert.ok(holder, squat.stdout);
        const named = new RegExp(
          `port 5000 is already in use by pid ${holder} \\(\\S*node -e require\\("fs"\\).*\\): not starting`,
        );
        try {
          const r = await salvo(file, 'start', 'hub', '-H', 'cloud2', '--serial');
          assert.equal(r.code, 1, r.stdout + r.stderr);
          assert.match(
            r.stdout,
            /✗ hub#0@cloud2 quarantined \(1 failed, budget 0\): step "start \(version 1\.0\.0\)" on cloud2 failed/,
          );
          assert.match(r.stdout, named);
          assert.match(
            r.stdout,
            /failure budget exceeded: 1 failed, budget 0; stopping — not started: hub#1@cloud2/,
          );
          assert.equal(
            existsSync(join(lab.dir, 'cloud2/srv/salvo/lab/pids/hub.0.pid')),
            false,
            'hub#0 was started',
          );
          assert.equal(
            existsSync(join(lab.dir, 'cloud2/srv/salvo/lab/pids/hub.1.pid')),
            false,
            'hub#1 was started',
          );

          // What the old check ("something listens on the port") got wrong: a program that never
          // listens looked started while the squatter listened, and failed only at the health gate.
          const mute = await variant(lab, 'mute', (doc) => {
            doc.services.hub!.command = ['sleep', '600'];
          });
          const m = await salvo(mute, 'start', 'hub', '-H', 'cloud2', '--serial');
          assert.equal(m.code, 1, m.stdout + m.stderr);
          assert.match(m.stdout, named);
          assert.match(
            m.stdout,
            /hub#0@cloud2 {2}start \(version 1\.0\.0\): FAILED \(exit 1, 0\.\ds\)/,
          );
          assert.ok(m.ms < 15_000, `took ${m.ms} ms: not at once`);

          const status = await salvo(file, 'status', 'hub', '-H', 'cloud2');
          assert.equal(status.code, 1);
          assert.match(
            status.stdout,
            new RegExp(
              `^hub +stopped +#0 cloud2 \\(1\\) .* no pid file; port 5000 is held by pid ${holder} \\(`,
              'm',
            ),
          );
        } finally {
          await salvo(
            file,
            'exec',
            'cloud2',
            '--',
            'kill "$(cat /srv/squatter.pid)"; rm -f /srv/squatter.pid',
          );
        }
        const retry = await salvo(file, 'start', 'hub', '-H', 'cloud2');
        assert.equal(retry.code, 0, retry.stdout + retry.stderr);
      },
    );

    assert.equal((await salvo(file, 'stop', 'all')).code, 0);
  });
});
