// The exec-channel path against a real sshd (session disabled so every command takes it).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cmd, shell } from '../../../admin/transport/command.js';
import { SshTransport } from '../../../admin/transport/ssh/transport.js';
import { processAlive, startSshd, type TestSshd } from './sshd.js';

describe('ssh exec channel', () => {
  let sshd: TestSshd;
  let t: SshTransport;

  before(async () => {
    sshd = await startSshd();
    t = new SshTransport('testhost', sshd.target(), {
      hostKeyPolicy: await sshd.knownHosts(),
      session: false,
    });
  });
  after(async () => {
    await t?.close();
    await sshd?.stop();
  });

  it('runs a command: ok, stdout, exit 0', async () => {
    const r = await t.run(cmd('echo', 'hello world'));
    assert.equal(r.ok, true);
    assert.equal(r.stdout, 'hello world\n');
    assert.equal(r.stderr, '');
    assert.equal(r.exitCode, 0);
    assert.equal(r.command, "echo 'hello world'");
    assert.equal(r.failure, undefined);
  });

  it('reports a non-zero exit with stderr, without throwing', async () => {
    const r = await t.run(shell('echo out; echo oops >&2; exit 7'));
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, 7);
    assert.equal(r.stdout, 'out\n');
    assert.equal(r.stderr, 'oops\n'); // our pgid marker line is gone
    assert.deepEqual(r.failure, { kind: 'nonzero', message: 'exit code 7' });
  });

  it('reports death by signal from the channel exit-signal', async () => {
    const r = await t.run(shell('kill -TERM $$'));
    assert.equal(r.signal, 'SIGTERM');
    assert.equal(r.exitCode, null);
    assert.equal(r.failure?.kind, 'signal');
  });

  it('gives the command an empty stdin unless stdin is given', async () => {
    const empty = await t.run(shell('wc -c'));
    assert.equal(empty.stdout.trim(), '0');
    const given = await t.run(shell('tr a-z A-Z'), { stdin: 'abc\x00def' });
    assert.equal(given.stdout, 'ABC\x00DEF');
  });

  it('keeps output bytes exact (no trailing newline, CRLF, UTF-8)', async () => {
    const r = await t.run(shell(`printf 'a\\r\\nb\\tc é ✓'`));
    assert.equal(r.stdout, 'a\r\nb\tc é ✓');
  });

  it('runs under bash when the host has it, like ssh does', async () => {
    const r = await t.run(shell('echo ${BASH_VERSION:+bash}; [[ 1 == 1 ]] && echo ok'));
    assert.equal(r.stdout, 'bash\nok\n');
  });

  it('a timeout kills the remote process group', async () => {
    const started = Date.now();
    const r = await t.run(shell('sleep 300.101 & sleep 300.102; echo never'), { timeoutMs: 500 });
    const ms = Date.now() - started;
    assert.equal(r.ok, false);
    assert.equal(r.failure?.kind, 'timeout');
    assert.match(r.failure?.message ?? '', /timed out after 500 ms; process group killed$/);
    assert.equal(r.stdout, '');
    assert.ok(ms >= 500 && ms < 3000, `took ${ms} ms`);
    assert.equal(await processAlive('sleep 300.101'), false, 'background child left behind');
    assert.equal(await processAlive('sleep 300.102'), false, 'foreground child left behind');
  });

  it('a command ignoring TERM is KILLed after 1 s', async () => {
    const started = Date.now();
    const r = await t.run(shell(`trap '' TERM; sleep 300.103 & wait`), { timeoutMs: 300 });
    const ms = Date.now() - started;
    assert.equal(r.failure?.kind, 'timeout');
    assert.ok(ms >= 1300, `escalated too early: ${ms} ms`);
    assert.equal(await processAlive('sleep 300.103'), false);
  });

  it('abort kills the remote process group and says aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await t.run(shell('echo started; sleep 300.104'), { signal: ac.signal });
    assert.equal(r.failure?.kind, 'aborted');
    assert.equal(r.stdout, 'started\n'); // output before the abort is kept
    assert.equal(await processAlive('sleep 300.104'), false);
  });

  it('an already-aborted signal never starts the command', async () => {
    const ac = new AbortController();
    ac.abort();
    const r = await t.run(shell('touch /tmp/salvo-should-not-exist'), { signal: ac.signal });
    assert.equal(r.failure?.kind, 'aborted');
  });

  it('masks secrets in the displayed command', async () => {
    const { Secret } = await import('../../../admin/transport/command.js');
    const r = await t.run(cmd('printf', '%s', new Secret('hunter2')));
    assert.equal(r.stdout, 'hunter2');
    assert.equal(r.command, 'printf %s ***');
  });

  it('used exec channels only', () => {
    assert.equal(t.stats.sessionRuns, 0);
    assert.ok(t.stats.execRuns >= 10);
    assert.equal(t.stats.connects, 1);
  });
});
