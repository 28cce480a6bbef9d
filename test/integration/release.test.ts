// The example release (releases/lab-release.ts) through `salvo run` on a 3-host lab: the dry run
// prints every step and touches nothing; a real run killed with SIGKILL in the middle of its
// rolling hub upgrade resumes at that step (the steps before it skipped) and finishes while
// requests go through haproxy, none of them dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from '../../admin/index.js';
import { withLab, isRoot } from './lab-fixture.js';
import { runCli, variant } from './services/lab.js';
import { duringLoad } from './services/load.js';

const SALVO = fileURLToPath(new URL('../../../bin/salvo', import.meta.url));
const RELEASE = fileURLToPath(new URL('../../../releases/lab-release.ts', import.meta.url));
const FAST_GATE = { passes: 1, interval: 0.5 };

function salvo(...args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [SALVO, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('the example release: dry run, killed mid-way, resumed under load', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 900_000,
}, async (t) => {
  await withLab(3, async (lab) => {
    // Quicker gates: the release's steps, not the gates' patience, are under test here.
    const file = await variant(lab, 'release', (doc) => {
      for (const s of Object.values(doc.services)) {
        if (s) {
          s.gate = FAST_GATE;
        }
      }
    });
    const releases = join(lab.dir, '.salvo', 'releases');
    const tools = (host: string): string =>
      join(lab.dir, host, 'srv', 'salvo', 'packages', 'release-tools', 'VERSION');

    await t.test('--dry-run: every step and what it would do, nothing touched', () => {
      const r = salvo('-s', file, 'run', RELEASE, '--dry-run');
      assert.equal(r.code, 0, r.out);
      for (const line of [
        /step 1: everything listed runs/,
        /would start\("all"\)/,
        /would exec\("cloud\[1-3\]", "sh -c .*release-tools 2"\)/,
        /would upgrade\("hub", \{ version: "1\.1\.0", rolling: true \}\): 4 unit\(s\) in 4 batch\(es\)/,
        /would restart\("snap"\)/,
        /step 6: verify: release-tools everywhere/,
        /release done/,
      ]) {
        assert.match(r.out, line);
      }
      assert.equal(existsSync(releases), false, 'a dry run journals nothing');
      assert.equal(existsSync(tools('cloud1')), false);
    });

    await t.test('killed during the hub upgrade, it resumes there', async () => {
      const child = spawn(process.execPath, [SALVO, '-s', file, 'run', RELEASE], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
      });
      child.stderr.on('data', (d) => {
        out += String(d);
      });
      const exited = new Promise<void>((r) => child.on('exit', () => r()));
      const deadline = Date.now() + 400_000;
      while (!/\[2\/4\] upgrade hub/.test(out)) {
        assert.ok(Date.now() < deadline, `never reached the second hub:\n${out}`);
        assert.equal(child.exitCode, null, `the release ended early:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGKILL');
      await exited;
      const [id] = readdirSync(releases);
      const journal = readFileSync(join(releases, id!), 'utf8');
      assert.match(
        journal,
        /"t":"step-end","index":1,"name":"install release-tools 2 on every host","ok":true/,
      );
      assert.doesNotMatch(journal, /"t":"end"/);
      assert.equal(readFileSync(tools('cloud2'), 'utf8'), '2\n');

      const haproxy = `http://${lab.hosts[2]!.address}:8000/`;
      const { result, report } = await duringLoad(haproxy, () =>
        runCli(file, 'run', RELEASE, '--resume', 'last', '--wait-lock', '60s').then((r) => ({
          code: r.code,
          out: r.stdout + r.stderr,
        })),
      );
      assert.equal(result.code, 0, result.out);
      assert.match(result.out, /resuming release \S+: 2 step\(s\) already done/);
      assert.match(
        result.out,
        /step 1: everything listed runs: done in an earlier attempt, skipped/,
      );
      assert.match(
        result.out,
        /step 2: install release-tools 2 on every host: done in an earlier attempt, skipped/,
      );
      assert.match(result.out, /✓ step 3: push hub 1\.1\.0/);
      assert.match(result.out, /✓ step 6: verify: release-tools everywhere/);
      assert.deepEqual(report.errors, [], `${report.failed} of ${report.sent} requests failed`);
      assert.ok(report.ok > 0);

      const dep = await Deployment.open(file);
      try {
        const hubs = await dep.status('hub');
        assert.deepEqual(
          hubs.units.map((u) => u.health?.version),
          ['1.1.0', '1.1.0', '1.1.0', '1.1.0'],
        );
      } finally {
        await dep.close();
      }
      assert.match(readFileSync(join(releases, id!), 'utf8'), /"t":"end","state":"done"/);
    });
  });
});
