// LocalTransport: same CommandResult shape as SSH, process-group kills, no network.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { homedir } from 'node:os';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import { cmd, shell } from '../../admin/transport/command.js';
import { LocalTransport } from '../../admin/transport/local-transport.js';

const run = promisify(execFile);
const alive = (marker: string): Promise<boolean> =>
  run('pgrep', ['-f', marker]).then(
    () => true,
    () => false,
  );

/** Whether a process matching `marker` is still there after `withinMs`: a signalled process may
 * take a moment to die on a loaded machine; one that was never signalled stays. */
async function survives(marker: string, withinMs = 3000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (await alive(marker)) {
    if (Date.now() > until) {
      return true;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('local transport', () => {
  const t = new LocalTransport();

  it('runs a command in ~ and returns the usual result', async () => {
    const r = await t.run(cmd('pwd'));
    assert.deepEqual(
      { ...r, durationMs: 0 },
      {
        host: 'localhost',
        command: 'pwd',
        ok: true,
        exitCode: 0,
        signal: null,
        stdout: `${homedir()}\n`,
        stderr: '',
        durationMs: 0,
      },
    );
  });

  it('reports non-zero exits and stderr', async () => {
    const r = await t.run(shell('echo bad >&2; exit 4'));
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, 4);
    assert.equal(r.stderr, 'bad\n');
    assert.deepEqual(r.failure, { kind: 'nonzero', message: 'exit code 4' });
  });

  it('reports death by signal', async () => {
    const r = await t.run(shell('kill -KILL $$'));
    assert.equal(r.signal, 'SIGKILL');
    assert.equal(r.failure?.kind, 'signal');
  });

  it('stdin is empty unless given', async () => {
    assert.equal((await t.run(shell('wc -c'))).stdout.trim(), '0');
    assert.equal((await t.run(shell('cat'), { stdin: Buffer.from('bytes\n') })).stdout, 'bytes\n');
  });

  it('a timeout kills the whole process group', async () => {
    const r = await t.run(shell('sleep 300.301 & sleep 300.302'), { timeoutMs: 300 });
    assert.equal(r.failure?.kind, 'timeout');
    assert.ok(r.durationMs < 2000);
    assert.equal(await survives('sleep 300.301'), false);
    assert.equal(await survives('sleep 300.302'), false);
  });

  it('abort kills the group, escalating to KILL when TERM is ignored', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await t.run(shell(`trap '' TERM; sleep 300.303 & wait`), { signal: ac.signal });
    assert.equal(r.failure?.kind, 'aborted');
    assert.ok(r.durationMs >= 1200, `escalated too early: ${r.durationMs}`);
    assert.equal(await survives('sleep 300.303'), false);
  });
});
