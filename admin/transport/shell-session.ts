// The warm path: one long-lived remote bash per connection. Each command is one write to its
// stdin and comes back with end markers, so it costs about one round trip and one remote fork,
// instead of sshd forking a whole session (and the login shell reading its rc files) per command.
import type { ClientChannel } from 'ssh2';
import { ByteSink, LineMarker, cutRanges, parsePid } from './remote-markers.js';
import {
  SESSION_SHELL, newNonce, pgidToken, readyToken, sessionBoot, sessionCommand, stderrEndToken, stdoutEndToken,
} from './remote-wrap.js';
import { within, fromShellStatus, settlesWithin, type Deadline, type RawRun } from './run-control.js';
import type { Release } from './channel-limit.js';
import type { SshConnection } from './ssh-connection.js';

/** Receives the session's output while one command (or the boot handshake) is in flight. */
interface Receiver {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  lost(): void;
}

export class ShellSession {
  private receiver?: Receiver;
  private running = false;
  private open = true;

  private constructor(private readonly conn: SshConnection, private readonly channel: ClientChannel, private readonly release: Release) {
    channel.on('data', (chunk: Buffer) => this.receiver?.stdout(chunk));
    channel.stderr.on('data', (chunk: Buffer) => this.receiver?.stderr(chunk));
    channel.once('close', () => {
      this.open = false;
      this.release();
      this.receiver?.lost();
    });
  }

  /**
   * Start the session shell on a channel slot the caller acquired (released when the session
   * closes). Rejects if the shell does not come up within `readyMs` (no bash, odd login shell).
   */
  static async start(conn: SshConnection, release: Release, readyMs: number): Promise<ShellSession> {
    let channel: ClientChannel;
    try {
      channel = await conn.exec(SESSION_SHELL);
    } catch (err) {
      release();
      throw err;
    }
    const session = new ShellSession(conn, channel, release);
    if (await session.boot(readyMs)) return session;
    session.close();
    throw new Error(`the session shell did not start within ${readyMs} ms`);
  }

  /** Open and not running a command. */
  get idle(): boolean {
    return this.open && !this.running;
  }

  get alive(): boolean {
    return this.open;
  }

  /** Run one command. Callers must check `idle` first; one command at a time. */
  async run(commandText: string, deadline: Deadline): Promise<RawRun> {
    if (!this.idle) throw new Error('shell session is busy or closed');
    this.running = true;
    const pending = new PendingCommand(newNonce());
    this.receiver = pending;
    try {
      this.channel.write(sessionCommand(commandText, pending.nonce));
      const outcome = await deadline.race(pending.done);
      if ('value' in outcome) return pending.result();
      const killNote = await this.stop(pending);
      return { ...pending.result(), stopped: outcome.stop, ...(killNote ? { killNote } : {}) };
    } finally {
      this.receiver = undefined; // output arriving between commands (a stray daemon) is dropped
      this.running = false;
    }
  }

  close(): void {
    if (!this.open) return;
    this.channel.end(); // EOF on the shell's stdin ends it
    this.channel.close();
  }

  // Kill the command's group; if the end markers still do not come, the shell is wedged (or the
  // output pipe is held by something that escaped the group): drop it, the next run rebuilds it.
  private async stop(pending: PendingCommand): Promise<string | undefined> {
    const pgid = await within(pending.pgid, 1000);
    if (pending.finished) return undefined; // it ended on its own meanwhile
    const note = pgid === undefined ? 'the process group id was never reported' : await this.conn.killGroup(pgid, pending.done);
    if (!(await settlesWithin(pending.done, 1000))) {
      this.close();
      return note ?? 'the shell session did not recover and was closed';
    }
    return note;
  }

  private async boot(readyMs: number): Promise<boolean> {
    const ready = new Handshake(newNonce());
    this.receiver = ready;
    this.channel.write(sessionBoot(ready.nonce));
    const ok = (await settlesWithin(ready.done, readyMs)) && ready.ok;
    this.receiver = undefined;
    return ok && this.open;
  }
}

/** Waits for the READY marker on both streams; what precedes it is login-shell noise. */
class Handshake implements Receiver {
  private readonly out = new ByteSink();
  private readonly err = new ByteSink();
  private readonly outMark: LineMarker;
  private readonly errMark: LineMarker;
  private finish: () => void = () => undefined;
  readonly done = new Promise<void>((resolve) => { this.finish = resolve; });
  ok = false;

  constructor(readonly nonce: string) {
    this.outMark = new LineMarker(readyToken(nonce));
    this.errMark = new LineMarker(readyToken(nonce));
  }

  stdout(chunk: Buffer): void { this.out.append(chunk); this.check(); }
  stderr(chunk: Buffer): void { this.err.append(chunk); this.check(); }
  lost(): void { this.finish(); }

  private check(): void {
    if (this.outMark.scan(this.out) && this.errMark.scan(this.err)) {
      this.ok = true;
      this.finish();
    }
  }
}

/** One command's output, cut at its end markers, with its pgid line removed from stderr. */
class PendingCommand implements Receiver {
  private readonly out = new ByteSink();
  private readonly err = new ByteSink();
  private readonly pgidMark: LineMarker;
  private readonly outEnd: LineMarker;
  private readonly errEnd: LineMarker;
  private notePgid: (pid: number | undefined) => void = () => undefined;
  private finish: () => void = () => undefined;
  private wasLost = false;
  finished = false;
  readonly pgid = new Promise<number | undefined>((resolve) => { this.notePgid = resolve; });
  readonly done = new Promise<void>((resolve) => { this.finish = resolve; });

  constructor(readonly nonce: string) {
    this.pgidMark = new LineMarker(pgidToken(nonce));
    this.outEnd = new LineMarker(stdoutEndToken(nonce));
    this.errEnd = new LineMarker(stderrEndToken(nonce));
  }

  stdout(chunk: Buffer): void {
    if (this.outEnd.hit) return; // nothing of this command follows its end marker
    this.out.append(chunk);
    this.outEnd.scan(this.out);
    this.check();
  }

  stderr(chunk: Buffer): void {
    if (this.errEnd.hit) return;
    this.err.append(chunk);
    const pgidSeen = this.pgidMark.hit;
    const pgidLine = pgidSeen ? undefined : this.pgidMark.scan(this.err);
    if (pgidLine) this.notePgid(parsePid(pgidLine.value));
    this.errEnd.scan(this.err);
    this.check();
  }

  lost(): void {
    this.wasLost = true;
    this.notePgid(undefined);
    this.finished = true;
    this.finish();
  }

  result(): RawRun {
    const outEnd = this.outEnd.hit;
    const errEnd = this.errEnd.hit;
    const stdout = Buffer.from(this.out.view(0, outEnd?.start));
    const errBytes = this.err.view(0, errEnd?.start);
    const pgidLine = this.pgidMark.hit;
    const stderr = pgidLine && pgidLine.end <= errBytes.length ? cutRanges(errBytes, [pgidLine]) : Buffer.from(errBytes);
    const status = outEnd ? Number(outEnd.value) : NaN;
    if (!outEnd || !errEnd || !Number.isInteger(status)) {
      const why = this.wasLost ? 'the shell session closed before the command finished' : 'the command did not finish';
      return { exitCode: null, signal: null, stdout, stderr, lost: why };
    }
    return { ...fromShellStatus(status), stdout, stderr };
  }

  private check(): void {
    if (!this.outEnd.hit || !this.errEnd.hit) return;
    this.finished = true;
    this.finish();
  }
}
