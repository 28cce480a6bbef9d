// The real service kinds on a lab, through the real CLI: start all, a rolling hub restart under
// ≥ 100 requests/s through haproxy with zero failed requests, and a hub that cannot start (its
// port is taken) quarantined with its log tail while the budget stops the rest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startLoad } from '../../admin/cli/demo/load.js';
import { withLab, isRoot } from './lab-fixture.js';

const BIN = resolve('bin/salvo');

interface Run { code: number | null; stdout: string; stderr: string }

/** Async on purpose: the load generator runs in this process and must keep its pace meanwhile. */
function salvo(file: string, ...args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, '-s', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += String(d); });
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('exit', (code) => done({ code, stdout, stderr }));
  });
}

test('services on a lab: zero-drop rolling restart, quarantine with log tail', { skip: !isRoot && 'needs root (network namespaces)' }, async (t) => {
  await withLab(5, async (lab) => {
    const file = lab.servicesFile; // hub ×2 on cloud[1-2], snap, haproxy on cloud3, cassandra on cloud[3-5]
    const started = await salvo(file, 'start', 'all');
    assert.equal(started.code, 0, started.stdout + started.stderr);

    await t.test('restart hub --rolling under load: 0 failed requests', async () => {
      const haproxy = `http://${lab.hosts[2]!.address}:8000/`;
      const load = startLoad(haproxy, 150);
      await new Promise((r) => setTimeout(r, 1000));
      const restart = await salvo(file, 'restart', 'hub', '--rolling');
      await new Promise((r) => setTimeout(r, 500));
      const report = await load.stop();
      assert.equal(restart.code, 0, restart.stdout + restart.stderr);
      assert.match(restart.stdout, /plan: restart hub: 4 units in 4 batches \(serial, rolling\), health gates on/);
      assert.equal((restart.stdout.match(/drain hub\/cloud\d:\d in haproxy \[on cloud3\]: ok/g) ?? []).length, 4);
      assert.deepEqual(report.errors, []);
      assert.equal(report.failed, 0);
      assert.ok(report.sent >= (100 * report.durationMs) / 1000, `only ${report.sent} requests in ${report.durationMs} ms`);
      assert.equal(report.servedBy.size, 4, `served by ${[...report.servedBy.keys()]}`);
    });

    await t.test('a hub whose port is taken is quarantined with its log; the budget stops the rest', async () => {
      assert.equal((await salvo(file, 'stop', 'hub', '-H', 'cloud2')).code, 0);
      // A squatter on hub#0's port, detached so it outlives the command; killed by its recorded pid.
      const squat = await salvo(file, 'exec', 'cloud2', '--',
        `setsid -f ${process.execPath} -e 'require("fs").writeFileSync("/srv/squatter.pid", String(process.pid)); ` +
        // haproxy's health checks connect and reset: the squatter must survive them.
        `require("net").createServer((s) => s.on("error", () => undefined)).listen(5000)' >/dev/null 2>&1; ` +
        'sleep 0.5; cat /srv/squatter.pid');
      assert.equal(squat.code, 0, squat.stdout + squat.stderr);
      try {
        const r = await salvo(file, 'start', 'hub', '-H', 'cloud2', '--serial');
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(r.stdout, /✗ hub#0@cloud2 quarantined \(1 failed, budget 0\)/);
        assert.match(r.stdout, /fatal: cannot listen on 0\.0\.0\.0:5000: EADDRINUSE/);
        assert.match(r.stdout, /failure budget exceeded: 1 failed, budget 0; stopping — not started: hub#1@cloud2/);
        assert.equal(existsSync(join(lab.dir, 'cloud2/srv/salvo/lab/pids/hub.1.pid')), false, 'hub#1 was started');
      } finally {
        await salvo(file, 'exec', 'cloud2', '--', 'kill "$(cat /srv/squatter.pid)"; rm -f /srv/squatter.pid');
      }
      const retry = await salvo(file, 'start', 'hub', '-H', 'cloud2');
      assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    });

    assert.equal((await salvo(file, 'stop', 'all')).code, 0);
  });
});
