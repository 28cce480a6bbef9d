// `salvo tmux` on a 3-host lab, in a tmux server of its own (TMUX_TMPDIR): one pane per host
// logged in through the written ssh config; one `hostname` sent to one pane reaches every pane
// (synchronized input) and each answers with its own name; logs per pane; windows past
// --max-panes. Also `salvo ssh-config` used by plain OpenSSH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { paneCommand, windowsOf } from '../../admin/tmux/index.js';
import { withLab, isRoot } from './lab-fixture.js';

const SALVO = fileURLToPath(new URL('../../../bin/salvo', import.meta.url));

test('windows and pane commands (pure)', () => {
  assert.deepEqual(windowsOf(['a', 'b', 'c', 'd', 'e'], 2), [['a', 'b'], ['c', 'd'], ['e']]);
  assert.throws(() => windowsOf(['a'], 0), /max-panes/);
  assert.equal(
    paneCommand('cloud1', { sshConfig: '/tmp/my config', command: 'tail -f x' }),
    "ssh -F '/tmp/my config' -t cloud1 'tail -f x'",
  );
});

test('salvo ssh-config and salvo tmux on a 3-host lab', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 300_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-tmux-test-'));
  const env = { ...process.env, TMUX_TMPDIR: dir, TMUX: '' };
  const tmux = (...args: string[]): string => execFileSync('tmux', args, { env, encoding: 'utf8' });
  t.after(() => {
    spawnSync('tmux', ['kill-server'], { env, stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  await withLab(3, async (lab) => {
    const salvo = (...args: string[]) =>
      spawnSync(process.execPath, [SALVO, '-s', lab.servicesFile, ...args], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });

    await t.test('ssh-config: plain OpenSSH reaches every host with it', () => {
      const file = join(dir, 'lab.config');
      const r = salvo('ssh-config', '-o', file);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.ok(existsSync(`${file}.known_hosts`));
      for (const host of ['cloud1', 'cloud3']) {
        const out = execFileSync('ssh', ['-F', file, '-o', 'BatchMode=yes', host, 'hostname'], {
          encoding: 'utf8',
        });
        assert.equal(out, `${host}\n`);
      }
    });

    await t.test("one hostname typed once: each pane shows its own host's name", async () => {
      const logs = join(dir, 'logs');
      const r = salvo('tmux', 'cloud[1-3]', '--log', logs, '--session', 'labtest');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /tmux session labtest: 3 pane\(s\) in 1 window\(s\)/);
      assert.match(r.stdout, /attach with: tmux attach -t labtest/);
      const panes = tmux('list-panes', '-t', 'labtest', '-F', '#{pane_id} #{pane_title}')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]);
      assert.deepEqual(
        panes.map(([, title]) => title),
        ['cloud1', 'cloud2', 'cloud3'],
      );
      assert.equal(
        tmux('show-window-options', '-t', 'labtest', 'synchronize-panes').trim(),
        'synchronize-panes on',
      );
      // Wait for the three logins, then type once, into the first pane only.
      await until(() => panes.every(([id]) => /[#$] *$/m.test(capture(tmux, id))), 'the logins');
      tmux('send-keys', '-t', panes[0]![0], 'echo "== $(hostname) =="', 'Enter');
      for (const [id, host] of panes) {
        await until(() => capture(tmux, id).includes(`== ${host} ==`), `${host} in its pane`);
        assert.doesNotMatch(capture(tmux, id), new RegExp(`== (?!${host} ==)cloud\\d ==`));
      }
      await until(
        () =>
          existsSync(join(logs, 'cloud2.log')) &&
          readFileSync(join(logs, 'cloud2.log'), 'utf8').includes('== cloud2 =='),
        'the log of cloud2',
      );
    });

    await t.test('past --max-panes, a new window', () => {
      const r = salvo('tmux', 'cloud[1-3]', '--max-panes', '2', '--session', 'labwin');
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /3 pane\(s\) in 2 window\(s\)/);
      const counts = tmux('list-windows', '-t', 'labwin', '-F', '#{window_panes}')
        .trim()
        .split('\n');
      assert.deepEqual(counts, ['2', '1']);
    });
  });
});

function capture(tmux: (...a: string[]) => string, pane: string): string {
  return tmux('capture-pane', '-p', '-t', pane);
}

async function until(ok: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
