// exec across a real lab fleet: real sshd per host, real host keys, no mocked SSH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { shell, cmd } from '../../../admin/transport/command.js';
import { tally } from '../../../admin/fleet/outcome.js';
import { withLab, isRoot } from '../lab-fixture.js';

test('exec on a 5-host lab', { skip: !isRoot && 'needs root (network namespaces)' }, async (t) => {
  await withLab(5, async (lab) => {
    const dep = await Deployment.open(lab.servicesFile);
    t.after(() => dep.close());

    await t.test('every host answers with its own name', async () => {
      const results = await dep.exec('cloud[1-5]', shell('hostname'));
      assert.deepEqual(
        results.map((r) => [r.host, r.ok, r.stdout]),
        [1, 2, 3, 4, 5].map((i) => [`cloud${i}`, true, `cloud${i}\n`]),
      );
    });

    await t.test('quoted values arrive intact', async () => {
      const [r] = await dep.exec('cloud1', cmd('printf', '%s', "it's $(not) run; `x`"));
      assert.equal(r?.stdout, "it's $(not) run; `x`");
    });

    await t.test('a timeout kills the remote process group (checked on the host)', async () => {
      const marker = `sleep 300.${process.pid}`;
      const [r] = await dep.exec('cloud2', shell(`${marker} & ${marker}; wait`), {
        timeoutMs: 700,
      });
      assert.equal(r?.failure?.kind, 'timeout');
      await new Promise((res) => setTimeout(res, 300));
      const pattern = `[${marker[0]}]${marker.slice(1)}`;
      const [check] = await dep.exec(
        'cloud2',
        shell(`ps -eo args | grep -c ${JSON.stringify(pattern)} || true`),
      );
      assert.equal(check?.stdout.trim(), '0', 'no sleep left behind on the host');
    });

    await t.test("one host's sshd killed → that host unreachable, the rest succeed", async () => {
      const victim = lab.hosts[3]!; // cloud4
      process.kill(victim.sshdPid, 'SIGTERM');
      await waitGone(victim.sshdPid);
      const fresh = await Deployment.open(lab.servicesFile); // a new pool: no connection to reuse
      try {
        const results = await fresh.exec('cloud[1-5]', shell('true'));
        const tl = tally(results);
        assert.deepEqual(tl.unreachable, ['cloud4']);
        assert.deepEqual(tl.ok, ['cloud1', 'cloud2', 'cloud3', 'cloud5']);
      } finally {
        await fresh.close();
      }
    });

    await t.test('a changed host key is refused, the others still run', async () => {
      const original = await readFile(lab.knownHostsFile, 'utf8');
      const forged = execFileSync(
        'sh',
        [
          '-c',
          'd=$(mktemp -d) && ssh-keygen -q -t ed25519 -N "" -f $d/k && cat $d/k.pub && rm -rf $d',
        ],
        { encoding: 'utf8' },
      );
      const blob = forged.split(' ').slice(0, 2).join(' ');
      const lines = original
        .split('\n')
        .map((l) => (l.startsWith('cloud2,') ? `${l.split(' ')[0]} ${blob}` : l));
      await writeFile(lab.knownHostsFile, lines.join('\n'));
      const fresh = await Deployment.open(lab.servicesFile);
      try {
        const results = await fresh.exec('cloud[1-3]', shell('true'));
        const r2 = results.find((r) => r.host === 'cloud2');
        assert.equal(r2?.failure?.kind, 'hostkey');
        assert.match(r2?.failure?.message ?? '', /CHANGED/);
        assert.deepEqual(tally(results).ok, ['cloud1', 'cloud3']);
      } finally {
        await fresh.close();
        await writeFile(lab.knownHostsFile, original);
      }
    });
  });
});

test('50-host fan-out returns 50 correct results', { skip: !isRoot && 'needs root' }, async () => {
  await withLab(50, async (lab) => {
    const dep = await Deployment.open(lab.servicesFile);
    try {
      const results = await dep.exec('cloud[1-50]', shell('echo "$(hostname) $((6*7))"'));
      assert.equal(results.length, 50);
      results.forEach((r, i) => {
        assert.equal(r.ok, true, `${r.host}: ${r.failure?.message}`);
        assert.equal(r.stdout, `cloud${i + 1} 42\n`);
      });
      // The warm path: the same pool runs a second round on the open connections.
      const again = await dep.exec('cloud[1-50]', shell('true'));
      assert.equal(tally(again).ok.length, 50);
    } finally {
      await dep.close();
    }
  });
});

async function waitGone(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    if (/State:\s+Z/.test(status)) {
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`pid ${pid} did not exit`);
}
