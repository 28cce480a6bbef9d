// The fault matrix's "shell metacharacters in values" row on a lab: a version written with `$(…)`,
// `;`, quotes and a backtick goes through start, status, diff, upgrade, restart and stop as data —
// quoted where it reaches a shell, never run — and node sets or group names carrying them are
// refused. Marker files, on this machine and on every host, prove that nothing ran.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment } from '../../../admin/index.js';
import { isRoot, withLab } from '../lab-fixture.js';
import { runCli, variant } from '../services/lab.js';

test('metacharacters in values are data, never shell', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 300_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-meta-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const mark = (n: number): string => join(dir, `ran${n}`);
  const hostile = (n: number): string =>
    `1.0$(touch ${mark(n)});touch ${mark(n + 1)} '"\`touch ${mark(n + 2)}\``;
  const markers = [1, 2, 3, 4, 5, 6].map(mark);

  await withLab(2, async (lab) => {
    const file = await variant(lab, 'hostile', (doc) => {
      doc.services = { hub: { ...doc.services.hub, hosts: 'cloud[1-2]', version: hostile(1) } };
    });
    const cli = async (...args: string[]): Promise<string> => {
      const r = await runCli(file, ...args);
      assert.equal(r.code, 0, `salvo ${args.join(' ')}: exit ${r.code}\n${r.stdout}${r.stderr}`);
      return r.stdout + r.stderr;
    };

    await t.test('a hostile version runs as written, through every operation', async () => {
      await cli('start', 'hub');
      const status = await cli('status', 'hub');
      assert.ok(status.includes(`1.0$(touch ${mark(1)})`), status);
      await cli('diff');
      await cli('restart', 'hub', '--dry-run');
      const upgrade = hostile(4);
      await cli('upgrade', 'hub', '--version', upgrade);
      const dep = await Deployment.open(file);
      try {
        const versions = (await dep.status('hub')).units.map((u) => u.health?.version);
        assert.deepEqual(versions, [upgrade, upgrade, upgrade, upgrade]);
      } finally {
        await dep.close();
      }
      await cli('restart', 'hub');
      await cli('stop', 'hub');
    });

    await t.test('node sets carrying metacharacters are refused or stay names', async () => {
      // A name outside the services file is tried as written (clush does the same): it may be
      // refused as a node set (2) or fail to resolve (3), but it never reaches a shell.
      for (const target of [
        `cloud1;touch ${mark(1)}`,
        `cloud$(touch\t${mark(2)})`,
        `cloud\`touch>${mark(3)}\``,
      ]) {
        const r = await runCli(file, 'exec', target, '--', 'true');
        assert.ok(r.code === 2 || r.code === 3, `${target}: exit ${r.code}\n${r.stderr}`);
        assert.doesNotMatch(r.stderr, /^\s+at /m, 'a stack trace');
      }
    });

    await t.test('no marker exists, here or on any host', async () => {
      for (const m of markers) {
        assert.equal(existsSync(m), false, `${m} was created: a value ran as shell`);
      }
      const dep = await Deployment.open(file);
      try {
        const seen = await dep.exec('@all', `ls ${dir} 2>/dev/null | wc -l`);
        assert.ok(seen.allOk, JSON.stringify(seen));
        assert.deepEqual(
          seen.map((r) => r.stdout.trim()),
          ['0', '0'],
        );
      } finally {
        await dep.close();
      }
    });
  });
});
