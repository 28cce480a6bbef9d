// Pure pieces of the SSH transport: semaphore, marker scanning, remote wrapping, status mapping.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { ChannelLimit, channelCount } from '../../../admin/transport/channel-limit.js';
import {
  ByteSink,
  type LineHit,
  LineMarker,
  cutRanges,
} from '../../../admin/transport/session/markers.js';
import {
  killText,
  newNonce,
  sessionCommand,
  stderrEndToken,
  wrapExec,
} from '../../../admin/transport/session/wrap.js';
import { Deadline, fromShellStatus } from '../../../admin/transport/run-control.js';

describe('ChannelLimit', () => {
  it('never lets more than max in, serves waiters in order', async () => {
    const limit = new ChannelLimit(2);
    const order: number[] = [];
    let peak = 0;
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (i) => {
        const release = await limit.acquire();
        peak = Math.max(peak, limit.inUse);
        order.push(i);
        await new Promise((r) => setTimeout(r, 10));
        release?.();
      }),
    );
    assert.equal(peak, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4]);
    assert.equal(limit.inUse, 0);
  });

  it('gives up waiting when the stop promise settles, and a double release counts once', async () => {
    const limit = new ChannelLimit(1);
    const first = await limit.acquire();
    let stop: () => void = () => undefined;
    const waiting = limit.acquire(
      new Promise<void>((r) => {
        stop = r;
      }),
    );
    assert.equal(limit.waiting, 1);
    stop();
    assert.equal(await waiting, null);
    assert.equal(limit.waiting, 0);
    first?.();
    first?.();
    assert.equal(limit.inUse, 0);
  });

  it('clamps the per-connection count to 1..8', () => {
    assert.equal(channelCount(undefined), 8);
    assert.equal(channelCount(20), 8);
    assert.equal(channelCount(0), 1);
    assert.equal(channelCount(3), 3);
  });
});

describe('LineMarker', () => {
  it('finds a marker split across chunks, byte by byte', () => {
    const sink = new ByteSink();
    const marker = new LineMarker('SALVO-END:abc:');
    const text = 'out without newlineSALVO-END:abc:17\n';
    let hit: LineHit | undefined;
    for (const ch of Buffer.from(text)) {
      sink.append(Buffer.from([ch]));
      hit = marker.scan(sink);
    }
    assert.deepEqual(hit, { start: 19, end: text.length, value: '17' });
    assert.equal(sink.view(0, hit?.start).toString(), 'out without newline');
  });

  it('ignores a marker with another nonce', () => {
    const sink = new ByteSink();
    sink.append(Buffer.from('SALVO-END:abd:0\nSALVO-END:ab:0\n'));
    assert.equal(new LineMarker('SALVO-END:abc:').scan(sink), undefined);
  });

  it('cuts ranges out exactly', () => {
    const b = Buffer.from('aaXXbbYYcc');
    assert.equal(
      cutRanges(b, [
        { start: 6, end: 8 },
        { start: 2, end: 4 },
      ]).toString(),
      'aabbcc',
    );
  });

  it('grows the sink past its first buffer', () => {
    const sink = new ByteSink();
    const big = Buffer.alloc(5000, 0x61);
    sink.append(big);
    sink.append(Buffer.from('b'));
    assert.equal(sink.length, 5001);
    assert.equal(sink.view(4999).toString(), 'ab');
  });
});

describe('remote wrapping', () => {
  const tricky = `printf '%s\\n' "it's" "$HOME" '$(x)' \`echo q\``;

  it('exec wrapper runs the exact command text and reports its pgid first on stderr', () => {
    const out = execFileSync('sh', ['-c', `${wrapExec(tricky, 'n0nce')} 2>&1`], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    const lines = out.split('\n');
    assert.equal(lines[0], 'SALVO-START:n0nce:');
    assert.match(lines[1] ?? '', /^SALVO-PGID:n0nce:[0-9]+$/);
    assert.deepEqual(lines.slice(2), ["it's", process.env.HOME ?? '', '$(x)', 'q', '']);
  });

  it('exec wrapper: the command sees the shell as $0 and no arguments, in bash or in sh', () => {
    for (const shell of ['bash', 'sh'] as const) {
      const out = execFileSync(
        'sh',
        ['-c', wrapExec('echo "$0 $# ${BASH_VERSION:+has-bash-vars}"', 'n', shell)],
        { encoding: 'utf8' },
      );
      assert.equal(out, `SALVO-START:n:\n${shell} 0 ${shell === 'bash' ? 'has-bash-vars' : ''}\n`);
    }
  });

  it('exec wrapper where bash is missing: no start marker and a failure status (the cue to retry in sh)', () => {
    const r = spawnSync('/bin/sh', ['-c', wrapExec('echo ran', 'n')], {
      encoding: 'utf8',
      env: { PATH: '/nonexistent' },
    });
    assert.notEqual(r.status, 0);
    assert.doesNotMatch(r.stdout, /SALVO-START|ran/);
  });

  it('session command text survives quoting through eval', () => {
    const script = `set -m; exec 3>&2; ${sessionCommand(tricky, 'n1')}`;
    const out = execFileSync('bash', ['--norc', '-s'], {
      input: script,
      encoding: 'utf8',
      stdio: 'pipe',
    });
    assert.equal(out, `it's\n${process.env.HOME ?? ''}\n$(x)\nq\nSALVO-END:n1:0\n`);
  });

  it('session: long, multibyte and NUL-holding texts run whole, and the next command still runs', () => {
    // Multibyte text in a UTF-8 session (read -N must count bytes), a 64 KiB script, a text with
    // a NUL (sent quoted), then a plain command: each ends with its own marker, nothing is
    // swallowed from or left over for the next.
    const wide = `printf '%s' '${'é'.repeat(3000)}' | wc -c`;
    const long = `x='${'y'.repeat(64 * 1024)}'; echo \${#x}`;
    const nul = `echo 'a\0b' | wc -l`;
    const script = `set -m; exec 3>&2; ${[wide, long, nul, 'echo last'].map((c, i) => sessionCommand(c, `n${i}`)).join('')}`;
    const out = execFileSync('bash', ['--norc', '-s'], {
      input: script,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' },
    });
    const lines = out.split('\n');
    assert.equal(lines[0], '6000');
    assert.equal(lines[1], 'SALVO-END:n0:0');
    assert.equal(lines[2], String(64 * 1024));
    assert.equal(lines[3], 'SALVO-END:n1:0');
    assert.match(lines[5] ?? '', /^SALVO-END:n2:\d+$/);
    assert.deepEqual(lines.slice(6), ['last', 'SALVO-END:n3:0', '']);
  });

  it('nonces are unique and their tokens never prefix one another', () => {
    const a = newNonce();
    const b = newNonce();
    assert.notEqual(a, b);
    assert.ok(!stderrEndToken(`${a}1`).startsWith(stderrEndToken(a)));
  });

  it('refuses to build a kill for pid 0, 1 or a non-integer', () => {
    assert.throws(() => killText(1, 'TERM'), RangeError);
    assert.throws(() => killText(0, 'KILL'), RangeError);
    assert.throws(() => killText(1.5, 'KILL'), RangeError);
    assert.equal(killText(4242, 'TERM'), 'kill -s TERM -- -4242 2>/dev/null; exit 0');
  });
});

describe('run control', () => {
  it('maps shell statuses above 128 to signals', () => {
    assert.deepEqual(fromShellStatus(0), { exitCode: 0, signal: null });
    assert.deepEqual(fromShellStatus(3), { exitCode: 3, signal: null });
    assert.deepEqual(fromShellStatus(143), { exitCode: null, signal: 'SIGTERM' });
    assert.deepEqual(fromShellStatus(134), { exitCode: null, signal: 'SIGABRT' });
    assert.deepEqual(fromShellStatus(255), { exitCode: 255, signal: null });
  });

  it('deadline reports timeout or abort, whichever first', async () => {
    const d1 = new Deadline({ timeoutMs: 5 });
    assert.equal(await d1.stopped, 'timeout');
    d1.dispose();
    const ac = new AbortController();
    const d2 = new Deadline({ timeoutMs: 10_000, signal: ac.signal });
    ac.abort();
    assert.equal(await d2.stopped, 'aborted');
    d2.dispose();
    const pre = new AbortController();
    pre.abort();
    const d3 = new Deadline({ signal: pre.signal });
    assert.equal(d3.kind, 'aborted');
    d3.dispose();
  });
});
