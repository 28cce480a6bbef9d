// The cold path: one exec channel per command (sshd forks a session for it). Used when the command
// needs stdin, when the shell session is busy, or when a host cannot run one.
import type { ClientChannel } from 'ssh2';
import { ByteSink, LineMarker, outputLimitOf, parsePid } from '../session/index.js';
import { newNonce, pgidToken, startToken, wrapExec, type ExecShell } from '../session/index.js';
import { EMPTY, within, settlesWithin, type Deadline, type RawRun } from '../run-control.js';
import type { ExecChannel, ExitStatus, SshConnection } from './connection.js';
import type { RunOptions } from '../types.js';

/** What an exec-channel run takes from the caller's RunOptions. */
type ExecRunOptions = Pick<RunOptions, 'stdin' | 'onOutput' | 'pty' | 'maxOutput'>;

/** Run `commandText` on a fresh exec channel. The caller holds a channel slot for it. */
export async function runOnExec(
  conn: SshConnection,
  commandText: string,
  options: ExecRunOptions,
  deadline: Deadline,
): Promise<RawRun> {
  const shell = conn.execShell;
  const run = await runWrapped(conn, commandText, options, deadline, shell);
  if (shell === 'bash' && !run.started && failedStatus(run.raw) && !run.raw.stopped) {
    // Our wrapper never printed its first marker, so the command did not start: the login shell
    // could not exec bash (no bash on this host). Run it again, with sh, from now on.
    conn.execShell = 'sh';
    return (await runWrapped(conn, commandText, options, deadline, 'sh')).raw;
  }
  return run.raw;
}

/** The login shell exited with a failure status (not: lost connection, signal). */
function failedStatus(raw: RawRun): boolean {
  return raw.exitCode !== null && raw.exitCode !== 0;
}

async function runWrapped(
  conn: SshConnection,
  commandText: string,
  options: ExecRunOptions,
  deadline: Deadline,
  shell: ExecShell,
): Promise<{ raw: RawRun; started: boolean }> {
  const nonce = newNonce();
  const exec = await conn.exec(wrapExec(commandText, nonce, shell, options.pty), options.pty);
  const { channel } = exec;
  const watch = watchChannel(exec, nonce, options);
  const stopFeeding = feedStdin(channel, options);
  void watch.closed.then(stopFeeding);
  const outcome = await deadline.race(watch.closed);
  if ('value' in outcome) {
    await watch.exited; // settled by now (exit status or close); makes the ordering explicit
    return { raw: watch.result(), started: watch.started() };
  }
  const killNote = await stopExec(conn, channel, watch);
  return {
    raw: { ...watch.result(), stopped: outcome.stop, ...(killNote ? { killNote } : {}) },
    started: watch.started(),
  };
}

/**
 * The command's stdin: empty unless given (never our own stdin), fixed bytes, or a feed streamed
 * as it arrives. Under a pty the end of input is the terminal's ^D (a pty has no EOF of its own)
 * and the channel stays open for the output.
 */
function feedStdin(channel: ClientChannel, options: ExecRunOptions): () => void {
  const input = options.stdin;
  const finish = (): void => {
    if (options.pty) {
      channel.write('\x04');
    } else {
      channel.end();
    }
  };
  if (input === undefined || typeof input === 'string' || Buffer.isBuffer(input)) {
    if (input !== undefined && input.length > 0) {
      channel.write(input);
    }
    finish();
    return () => undefined;
  }
  return input.subscribe((chunk) => channel.write(chunk), finish);
}

interface ChannelWatch {
  closed: Promise<void>;
  /** Resolves when the command's exit status arrives or the channel closes. */
  exited: Promise<void>;
  /** The remote process group id, once our wrapper printed it; undefined if it never did. */
  pgid: Promise<number | undefined>;
  /** The exit status (or the channel's close) has arrived. */
  hasExited(): boolean;
  /** Our wrapper printed its first marker: the login shell ran it, the command was started. */
  started(): boolean;
  result(): RawRun;
}

function watchChannel(
  { channel, exit: exitStatus, closed }: ExecChannel,
  nonce: string,
  options: ExecRunOptions = {},
): ChannelWatch {
  // maxOutput 0: only the head, where our marker lines are, is held; the result keeps nothing.
  const limit = outputLimitOf(options.maxOutput);
  const keep = options.maxOutput !== 0;
  const stdout = new ByteSink(limit);
  const stderr = new ByteSink(limit);
  const start = new LineMarker(startToken(nonce));
  // Under a pty both markers arrive on stdout (the terminal merges the streams).
  const marker = new LineMarker(pgidToken(nonce));
  const pgidSink = options.pty ? stdout : stderr;
  const { onOutput: deliver } = options;
  // Back-pressure: while the caller's promise is pending, neither stream is read.
  let holding = 0;
  const onOutput = deliver
    ? (stream: 'stdout' | 'stderr', chunk: Buffer): void => {
        const wait = deliver(stream, chunk);
        if (!wait) {
          return;
        }
        if (holding++ === 0) {
          channel.pause();
          channel.stderr.pause();
        }
        void wait.finally(() => {
          if (--holding === 0) {
            channel.resume();
            channel.stderr.resume();
          }
        });
      }
    : undefined;
  let outSeen = 0; // bytes of each stream so far
  let errSeen = 0;
  let exit: ExitStatus | undefined;
  let ended = false;
  let notePgid: (pgid: number | undefined) => void = () => undefined;
  const pgid = new Promise<number | undefined>((resolve) => {
    notePgid = resolve;
  });
  const exited = exitStatus.then((status) => {
    exit = status;
    ended = true;
  });
  void closed.then(() => notePgid(undefined));
  const scanPgid = (): void => {
    if (marker.hit) {
      return;
    }
    const hit = marker.scan(pgidSink);
    if (hit) {
      notePgid(parsePid(hit.value));
    }
  };
  // The command's own bytes begin after the last of our marker lines on that stream.
  const outFrom = (): number | undefined => {
    if (!options.pty) {
      return start.hit?.end;
    }
    return start.hit && marker.hit ? Math.max(start.hit.end, marker.hit.end) : undefined;
  };
  channel.on('data', (chunk: Buffer) => {
    stdout.append(chunk);
    if (!start.hit) {
      start.scan(stdout);
    }
    if (options.pty) {
      scanPgid();
    }
    // Streamed from the chunk itself (the sink may drop the middle of a flood): the part after
    // the marker line, whose end is a stream offset (markers come first, well inside the head).
    const before = outSeen;
    outSeen += chunk.length;
    const from = outFrom();
    if (onOutput && from !== undefined && from < outSeen) {
      onOutput('stdout', Buffer.from(chunk.subarray(Math.max(0, from - before))));
    }
  });
  channel.stderr.on('data', (chunk: Buffer) => {
    stderr.append(chunk);
    if (!options.pty) {
      scanPgid();
    }
    const before = errSeen;
    errSeen += chunk.length;
    const from = options.pty ? 0 : marker.hit?.end;
    if (onOutput && from !== undefined && from < errSeen) {
      onOutput('stderr', Buffer.from(chunk.subarray(Math.max(0, from - before))));
    }
  });
  return {
    closed,
    exited,
    pgid,
    hasExited: () => ended,
    started: () => start.hit !== undefined,
    result: () => ({
      exitCode: exit?.code ?? null,
      signal: exit?.signal ?? null,
      // Bytes before our marker lines are the login shell's rc-file noise, not the command's.
      // Views of the sinks, not copies (a sink's buffer is at most its limit).
      stdout: keep ? stdout.view(outFrom() ?? start.hit?.end ?? 0) : EMPTY,
      stderr: keep ? stderr.view(options.pty ? 0 : (marker.hit?.end ?? 0)) : EMPTY,
      dropped: keep ? { stdout: stdout.dropped, stderr: stderr.dropped } : { stdout: 0, stderr: 0 },
      ...(exit ? {} : { lost: 'the connection closed before the command reported an exit status' }),
    }),
  };
}

/** Kill the command's process group, then close the channel. Returns a note if unsure. */
async function stopExec(
  conn: SshConnection,
  channel: ClientChannel,
  watch: ChannelWatch,
): Promise<string | undefined> {
  const note = await killCommand(conn, watch);
  channel.close();
  await settlesWithin(watch.closed, 1000); // the slot is released only once the channel is gone
  return note;
}

async function killCommand(conn: SshConnection, watch: ChannelWatch): Promise<string | undefined> {
  // Right after the channel opens the wrapper may not have printed its pgid yet: give it a moment.
  const pgid = await within(watch.pgid, 1000);
  if (watch.hasExited()) {
    return undefined; // it ended on its own meanwhile
  }
  if (pgid === undefined) {
    return 'the remote process group id was never reported, so nothing was killed';
  }
  return conn.killGroup(pgid, watch.exited);
}
