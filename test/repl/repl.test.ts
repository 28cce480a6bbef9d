// `salvo repl` driven through a real pseudo-terminal (node-pty) on a 3-host lab: Tab offers host
// names, exec output appears folded, `last.failed` is a node set that targets the next command,
// Ctrl-C stops a `sleep` on three hosts (gone from the hosts afterwards) and the REPL stays, and
// the history survives a restart.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pty from 'node-pty';
import { Deployment } from '../../admin/index.js';
import { withLab, isRoot } from '../integration/lab-fixture.js';

const SALVO = fileURLToPath(new URL('../../../bin/salvo', import.meta.url));
// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC is what this pattern strips from terminal output
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;

class Terminal {
  private text = '';
  private readonly term: pty.IPty;
  exited: Promise<number>;

  constructor(services: string, history: string) {
    this.term = pty.spawn(process.execPath, [SALVO, 'repl', '-s', services], {
      cols: 150,
      rows: 50,
      env: { ...process.env, SALVO_REPL_HISTORY: history, NO_COLOR: '1', TERM: 'xterm' },
    });
    this.term.onData((d) => {
      this.text += d;
    });
    this.exited = new Promise((resolve) => this.term.onExit((e) => resolve(e.exitCode)));
  }

  /** What the terminal showed so far, without escape sequences. */
  get screen(): string {
    return this.text.replace(ANSI, '');
  }

  /** Forget what was shown (the next expect looks at new output only). */
  mark(): void {
    this.text = '';
  }

  type(keys: string): void {
    this.term.write(keys);
  }

  async expect(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      const m = pattern.exec(this.screen);
      if (m) {
        return m[0];
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`timed out waiting for ${pattern}; the screen shows:\n${this.screen}`);
  }

  kill(): void {
    try {
      this.term.kill();
    } catch {
      // already gone
    }
  }
}

test('salvo repl through a pseudo-terminal on a 3-host lab', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 300_000,
}, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-repl-test-'));
  const history = join(dir, 'history');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await withLab(3, async (lab) => {
    const check = await Deployment.open(lab.servicesFile);
    t.after(() => check.close());
    const term = new Terminal(lab.servicesFile, history);
    t.after(() => term.kill());
    await term.expect(/lab> $/);

    await t.test('Tab inside a string offers the host names', async () => {
      term.mark();
      term.type("lab.exec('clo");
      term.type('\t');
      await new Promise((r) => setTimeout(r, 300));
      term.type('\t');
      await term.expect(/cloud1\s+cloud2\s+cloud3/);
      term.type('\x03'); // clears the line
      await term.expect(/lab> $/);
    });

    await t.test('exec output appears folded, last.failed is a node set', async () => {
      term.mark();
      term.type(`lab.exec('@all', '[ "$(hostname)" != cloud2 ] && hostname')\r`);
      await term.expect(/3 hosts: 2 ok, 1 failed, 0 unreachable/);
      assert.match(term.screen, /cloud2 \(1\) exit 1/);
      assert.match(term.screen, /cloud1\r?\n/);
      term.mark();
      term.type('last.failed instanceof NodeSet && String(last.failed)\r');
      await term.expect(/'cloud2'/);
      term.mark();
      term.type("lab.exec(last.failed, 'echo retried on $(hostname)')\r");
      await term.expect(/1 host: 1 ok/);
      assert.match(term.screen, /retried on cloud2/);
    });

    await t.test('Ctrl-C stops a sleep on three hosts and the REPL stays', async () => {
      const marker = `sleep 60.${process.pid % 1000}`;
      const running = async (): Promise<number> =>
        (await check.exec('cloud[1-3]', `ps -eo args | grep -c '^${marker}$' || true`))
          .map((r) => Number(r.stdout.trim()))
          .reduce((a, b) => a + b, 0);
      term.mark();
      term.type(`lab.exec('cloud[1-3]', '${marker}')\r`);
      for (let i = 0; (await running()) < 3; i++) {
        assert.ok(i < 200, 'the sleeps never started');
        await new Promise((r) => setTimeout(r, 100));
      }
      term.type('\x03');
      await term.expect(/aborted: cloud\[1-3\] \(3\)/);
      await term.expect(/lab> $/);
      assert.equal(await running(), 0, 'a sleep is left on a host');
      term.mark();
      term.type("lab.exec('cloud1', 'echo still here')\r");
      await term.expect(/still here/);
    });

    await t.test('history survives a restart', async () => {
      term.type('.exit\r');
      assert.equal(await term.exited, 0);
      assert.match(readFileSync(history, 'utf8'), /echo still here/);
      const again = new Terminal(lab.servicesFile, history);
      t.after(() => again.kill());
      await again.expect(/lab> $/);
      again.mark();
      // Up arrow: the last command of the previous session. Node may or may not have written the
      // `.exit` line itself before the REPL closed; then it comes first, and one more Up.
      const recalled = /lab\.exec\('cloud1', 'echo still here'\)/;
      again.type('\x1b[A');
      if ((await again.expect(new RegExp(`\\.exit|${recalled.source}`))) === '.exit') {
        again.type('\x1b[A');
        await again.expect(recalled);
      }
      again.type('\x03');
      again.type('.exit\r');
      assert.equal(await again.exited, 0);
    });
  });
});
