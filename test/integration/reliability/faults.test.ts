// Fault-matrix rows for the parallel shell, each on a lab host's own namespace: authentication
// refused; a rate-limited link (tc tbf: netem is not in this kernel) still delivers every byte; a
// link that goes down mid-command and comes back still gives the right answer; every sshd process
// of a host killed mid-command ends that host's result promptly with a reason while the others
// finish. Each run ends with the documented exit code and a per-host report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from '../../../admin/index.js';
import type { LabHost } from '../../../admin/lab/index.js';
import { isRoot, withLab } from '../lab-fixture.js';

const LIBRARY = new URL('../../../admin/index.js', import.meta.url).href;
const SALVO = fileURLToPath(new URL('../../../../bin/salvo', import.meta.url));
import { runCli, variant } from '../services/lab.js';

const inNs = (h: LabHost, ...args: string[]): string =>
  execFileSync('ip', ['netns', 'exec', h.netns, ...args], { encoding: 'utf8' });

/** Pids of the host's sshd processes (the listener and each session's). */
function sshdPids(h: LabHost): number[] {
  return execFileSync('ip', ['netns', 'pids', h.netns], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'sshd';
      } catch {
        return false;
      }
    });
}

test('the parallel shell under faults', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 300_000,
}, async (t) => {
  await withLab(4, async (lab) => {
    await t.test(
      'authentication refused: every host unreachable with the reason, exit 3',
      async () => {
        const key = join(lab.dir, 'stranger');
        execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
        const file = await variant(lab, 'stranger', (doc) => {
          (doc.ssh as Record<string, unknown>).identity = key;
        });
        const r = await runCli(file, 'exec', '@all', '--', 'true');
        assert.equal(r.code, 3, r.stdout + r.stderr);
        assert.match(r.stderr, /unreachable: cloud\[1-4\] \(4\)/);
        assert.match(r.stdout + r.stderr, /auth/i);
      },
    );

    const dep = await Deployment.open(lab.servicesFile);
    t.after(() => dep.close());

    await t.test('a rate-limited link still delivers every byte', async () => {
      const slow = lab.hosts[2]!;
      inNs(
        slow,
        'tc',
        'qdisc',
        'add',
        'dev',
        'eth0',
        'root',
        'tbf',
        'rate',
        '1mbit',
        'burst',
        '16kb',
        'latency',
        '400ms',
      );
      try {
        const bytes = 400_000;
        const r = await dep.exec('@all', `head -c ${bytes} /dev/zero | tr '\\0' x`, {
          timeout: '60s',
        });
        assert.ok(r.allOk, JSON.stringify(r.map((x) => [x.host, x.failure])));
        for (const x of r) {
          assert.equal(x.stdout.length, bytes, `${x.host}: ${x.stdout.length} bytes`);
          assert.match(x.stdout, /^x+$/);
        }
        const slowest = r.of(slow.name)!.durationMs;
        const others = r.filter((x) => x.host !== slow.name).map((x) => x.durationMs);
        assert.ok(slowest > Math.max(...others), 'the limited host was the slowest');
      } finally {
        inNs(slow, 'tc', 'qdisc', 'del', 'dev', 'eth0', 'root');
      }
    });

    await t.test('a link down for 3 s mid-command: the right answer once it is back', async () => {
      const flaky = lab.hosts[1]!;
      const run = dep.exec('@all', 'sleep 1; hostname', { timeout: '60s' });
      await new Promise((r) => setTimeout(r, 300));
      inNs(flaky, 'ip', 'link', 'set', 'eth0', 'down');
      await new Promise((r) => setTimeout(r, 3000));
      inNs(flaky, 'ip', 'link', 'set', 'eth0', 'up');
      const r = await run;
      assert.ok(r.allOk, JSON.stringify(r.map((x) => [x.host, x.failure])));
      assert.deepEqual(
        r.map((x) => x.stdout.trim()),
        lab.hosts.map((h) => h.name),
      );
    });

    await t.test(
      'a host printing 1 GiB: bounded memory, the ends kept, the cut reported',
      async () => {
        // In a child process, so its peak RSS is the exec's own (the library and the CLI).
        const script = `
        const { Deployment } = await import(${JSON.stringify(LIBRARY)});
        const dep = await Deployment.open(${JSON.stringify(lab.servicesFile)}, { session: false });
        const r = await dep.exec('cloud[1-2]',
          '[ "$(hostname)" = cloud1 ] && { echo first; head -c 1073741824 /dev/zero; echo; echo last; } || hostname',
          { timeout: '300s' });
        await dep.close();
        // The warm path (a shell session per host) finds its end markers after a flood too.
        const warm = await Deployment.open(${JSON.stringify(lab.servicesFile)});
        const [w] = await warm.exec('cloud1', 'head -c 100000000 /dev/zero; echo; echo end');
        const [again] = await warm.exec('cloud1', 'echo next');
        await warm.close();
        const one = r.of('cloud1');
        console.log(JSON.stringify({ ok: r.allOk, length: one.stdout.length, head: one.stdout.slice(0, 6),
          tail: one.stdout.slice(-6), dropped: one.dropped, two: r.of('cloud2').stdout,
          warm: { ok: w.ok, tail: w.stdout.slice(-5), kept: w.stdout.length, dropped: w.dropped },
          next: again.stdout,
          maxRssMiB: process.resourceUsage().maxRSS / 1024 }));`;
        const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        const r = JSON.parse(out) as {
          ok: boolean;
          length: number;
          head: string;
          tail: string;
          dropped: { stdout: number; stderr: number };
          two: string;
          warm: { ok: boolean; tail: string; kept: number; dropped: { stdout: number } };
          next: string;
          maxRssMiB: number;
        };
        assert.equal(r.ok, true);
        assert.equal(r.head, 'first\n');
        assert.equal(r.tail, '\nlast\n');
        assert.equal(r.length + r.dropped.stdout, 2 ** 30 + 12, 'kept + dropped = every byte');
        assert.ok(r.length < 16 * 2 ** 20, `${r.length} bytes kept`);
        assert.equal(r.two, 'cloud2\n');
        assert.equal(r.warm.ok, true);
        assert.equal(r.warm.tail, '\nend\n');
        assert.equal(r.warm.kept + r.warm.dropped.stdout, 100_000_005);
        assert.equal(r.next, 'next\n', 'the session still works after a flood');
        assert.ok(r.maxRssMiB < 300, `peak RSS ${r.maxRssMiB} MiB`);
        // The CLI prints what was kept (8 MiB and more on stdout) and says what was cut.
        const cli = spawnSync(
          process.execPath,
          [SALVO, '-s', lab.servicesFile, 'exec', 'cloud1', '--', 'head -c 50000000 /dev/zero'],
          { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
        );
        assert.equal(cli.status, 0, cli.stderr);
        assert.match(cli.stderr, /output cut: cloud1 \(1\): \d+\.\d MiB in the middle not kept/);
      },
    );

    await t.test('every sshd of a host killed mid-command: that host fails promptly', async () => {
      const victim = lab.hosts[3]!;
      const fresh = await Deployment.open(lab.servicesFile);
      try {
        const started = Date.now();
        const run = fresh.exec('@all', 'sleep 3; echo finished', { timeout: '60s' });
        // Wait until the victim runs the command (its session's sshd exists), then kill them all.
        const deadline = Date.now() + 30_000;
        while (sshdPids(victim).length < 2) {
          assert.ok(Date.now() < deadline, 'the session never started');
          await new Promise((r) => setTimeout(r, 50));
        }
        for (const pid of sshdPids(victim)) {
          process.kill(pid, 'SIGKILL');
        }
        const r = await run;
        const lost = r.of(victim.name)!;
        assert.equal(lost.ok, false);
        assert.ok(lost.failure?.message, 'a reason is given');
        for (const x of r.filter((y) => y.host !== victim.name)) {
          assert.equal(x.stdout, 'finished\n', x.host);
        }
        assert.ok(Date.now() - started < 30_000, 'the run did not wait for the timeout');
      } finally {
        await fresh.close();
      }
    });
  });
});
