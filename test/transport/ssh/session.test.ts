// The warm path: the persistent remote shell, against a real sshd.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cmd, shell } from '../../../admin/transport/command.js';
import { SshTransport } from '../../../admin/transport/ssh/transport.js';
import { processAlive, startSshd, type TestSshd } from './sshd.js';

describe('ssh shell session', () => {
  let sshd: TestSshd;
  let t: SshTransport;
  let exec: SshTransport; // the same commands over exec channels, to compare

  before(async () => {
    sshd = await startSshd();
    const hostKeyPolicy = await sshd.knownHosts();
    t = new SshTransport('testhost', sshd.target(), { hostKeyPolicy });
    exec = new SshTransport('testhost', sshd.target(), { hostKeyPolicy, session: false });
    await t.warm();
  });
  after(async () => {
    await t?.close();
    await exec?.close();
    await sshd?.stop();
  });

  const exact: Array<[string, string]> = [
    ['no trailing newline', `printf 'abc'`],
    ['empty output', 'true'],
    ['only newlines', `printf '\\n\\n\\n'`],
    ['CRLF, tabs, UTF-8', `printf 'a\\r\\nb\\tc é ✓\\n'`],
    [
      'marker-like text with other nonces',
      `printf 'SALVO-END:0123456789abcdef:0\\nSALVO-PGID:0123456789abcdef:1\\nx'; ` +
        `printf 'SALVO-END:0123456789abcdef\\nSALVO-READY:0123456789abcdef\\ny' >&2`,
    ],
    [
      'interleaved stdout and stderr without newlines',
      `for i in 1 2 3; do printf "o$i"; printf "e$i" >&2; done`,
    ],
    ['a large output', 'seq 1 200000'],
    ['NUL bytes', `printf 'a\\0b'`],
  ];
  for (const [name, text] of exact) {
    it(`output is byte-exact: ${name}`, async () => {
      const warm = await t.run(shell(text));
      const cold = await exec.run(shell(text));
      assert.equal(warm.ok, true, warm.failure?.message);
      assert.equal(warm.stdout, cold.stdout);
      assert.equal(warm.stderr, cold.stderr);
    });
  }

  it('matches the exact expected bytes (not just the exec path)', async () => {
    const r = await t.run(shell(`printf 'SALVO-END:0123456789abcdef:0\\nx'; printf 'e' >&2`));
    assert.equal(r.stdout, 'SALVO-END:0123456789abcdef:0\nx');
    assert.equal(r.stderr, 'e');
    const big = await t.run(shell('head -c 1000000 /dev/zero | tr "\\0" a'));
    assert.equal(big.stdout.length, 1_000_000);
  });

  it('reports exit codes and signals like the exec path', async () => {
    const nonzero = await t.run(shell('echo x >&2; exit 5'));
    assert.equal(nonzero.exitCode, 5);
    assert.equal(nonzero.stderr, 'x\n');
    assert.equal(nonzero.failure?.kind, 'nonzero');
    const killed = await t.run(shell(`sh -c 'kill -TERM $$'`));
    assert.equal(killed.signal, 'SIGTERM');
    assert.equal(killed.failure?.kind, 'signal');
  });

  it('gives each command stdin from /dev/null, ~ as cwd, and no env from the last one', async () => {
    await t.run(shell('export SALVO_LEAK=1; LEAK2=2; cd /tmp; umask 077; alias ll=ls; set -e'));
    const r = await t.run(
      shell(
        'echo "${SALVO_LEAK:-unset} ${LEAK2:-unset} $PWD $(umask)"; cat; alias ll >/dev/null 2>&1 || echo noalias',
      ),
    );
    assert.equal(r.stdout, `unset unset ${process.env.HOME ?? '/root'} 0022\nnoalias\n`);
  });

  it('a timeout kills the command process group and the session keeps working', async () => {
    const before = t.stats.sessionStarts;
    const started = Date.now();
    const r = await t.run(shell('echo begun; sleep 300.201 & sleep 300.202'), { timeoutMs: 500 });
    const ms = Date.now() - started;
    assert.equal(r.failure?.kind, 'timeout');
    assert.equal(r.stdout, 'begun\n');
    assert.ok(ms < 3000, `took ${ms} ms`);
    assert.equal(await processAlive('sleep 300.201'), false);
    assert.equal(await processAlive('sleep 300.202'), false);
    const next = await t.run(cmd('echo', 'still here'));
    assert.equal(next.stdout, 'still here\n');
    assert.equal(t.stats.sessionStarts, before, 'session was rebuilt needlessly');
  });

  it('abort kills the command and says aborted', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 200);
    const r = await t.run(shell('sleep 300.203'), { signal: ac.signal });
    assert.equal(r.failure?.kind, 'aborted');
    assert.equal(await processAlive('sleep 300.203'), false);
  });

  it('a wedged session is closed on timeout and rebuilt on next use', async () => {
    const pid = Number((await t.run(shell('echo $$'))).stdout.trim()); // the session shell itself
    const before = t.stats.sessionStarts;
    try {
      const r = await t.run(shell('kill -STOP $$'), { timeoutMs: 300 });
      assert.equal(r.failure?.kind, 'timeout');
      const next = await t.run(cmd('echo', 'rebuilt'));
      assert.equal(next.stdout, 'rebuilt\n');
      assert.equal(t.stats.sessionStarts, before + 1);
    } finally {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone already */
      }
    }
  });

  it('`kill $$` hits the trapped session shell, which survives', async () => {
    const r = await t.run(shell('kill $$; echo after'));
    assert.equal(r.stdout, 'after\n');
    assert.equal((await t.run(cmd('true'))).ok, true);
  });

  it('takes the session when free, exec channels when busy or when stdin is given', async () => {
    const s0 = { ...t.stats };
    await Promise.all([
      t.run(shell('sleep 0.3')),
      t.run(shell('sleep 0.3')),
      t.run(shell('sleep 0.3')),
    ]);
    assert.equal(t.stats.sessionRuns - s0.sessionRuns, 1);
    assert.equal(t.stats.execRuns - s0.execRuns, 2);
    await t.run(shell('cat'), { stdin: 'x' });
    assert.equal(t.stats.execRuns - s0.execRuns, 3);
  });

  it('costs about one round trip per command when warm', async () => {
    const n = 200;
    const started = process.hrtime.bigint();
    for (let i = 0; i < n; i++) {
      await t.run(cmd('true'));
    }
    const perCommandMs = Number(process.hrtime.bigint() - started) / 1e6 / n;
    console.log(`# session: ${perCommandMs.toFixed(2)} ms per sequential \`true\``);
    assert.ok(perCommandMs < 20, `${perCommandMs} ms per command`);
  });
});
