// The warm path: one long-lived remote bash per connection. Each command is one write to its
// stdin and comes back with end markers, so it costs about one round trip and one remote fork,
// instead of sshd forking a whole session (and the login shell reading its rc files) per command.
import type { ClientChannel } from 'ssh2';
import { SESSION_SHELL, newNonce, sessionBoot, sessionCommand } from './wrap.js';
import { within, settlesWithin, type Deadline, type RawRun } from '../run-control.js';
import { Handshake, PendingCommand, type Receiver } from './receivers.js';
import { outputLimitOf } from './markers.js';
import type { Release } from '../channel-limit.js';
import type { SshConnection } from '../ssh/index.js';

export class ShellSession {
  private receiver?: Receiver;
  private running = false;
  private open = true;
  private shellPid?: number;
  private readonly gone: Promise<void>;

  private constructor(
    private readonly conn: SshConnection,
    private readonly channel: ClientChannel,
    release: Release,
  ) {
    channel.on('data', (chunk: Buffer) => this.receiver?.stdout(chunk));
    channel.stderr.on('data', (chunk: Buffer) => this.receiver?.stderr(chunk));
    // The slot is given back only when sshd confirms the channel closed: until the remote shell
    // exits, sshd still counts the session against MaxSessions.
    this.gone = new Promise((resolve) =>
      channel.once('close', () => {
        this.open = false;
        release();
        this.receiver?.lost();
        resolve();
      }),
    );
  }

  /**
   * Start the session shell on a channel slot the caller acquired (released when the session
   * closes). Rejects if the shell does not come up within `readyMs` (no bash, odd login shell).
   */
  static async start(
    conn: SshConnection,
    release: Release,
    readyMs: number,
  ): Promise<ShellSession> {
    let channel: ClientChannel;
    try {
      ({ channel } = await conn.exec(SESSION_SHELL));
    } catch (err) {
      release();
      throw err;
    }
    const session = new ShellSession(conn, channel, release);
    if (await session.boot(readyMs)) {
      return session;
    }
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
  async run(commandText: string, deadline: Deadline, maxOutput?: number): Promise<RawRun> {
    if (!this.idle) {
      throw new Error('shell session is busy or closed');
    }
    this.running = true;
    const pending = new PendingCommand(newNonce(), outputLimitOf(maxOutput));
    this.receiver = pending;
    try {
      this.channel.write(sessionCommand(commandText, pending.nonce));
      const outcome = await deadline.race(pending.done);
      if ('value' in outcome) {
        return pending.result();
      }
      const killNote = await this.stop(pending);
      return { ...pending.result(), stopped: outcome.stop, ...(killNote ? { killNote } : {}) };
    } finally {
      this.receiver = undefined; // output arriving between commands (a stray daemon) is dropped
      this.running = false;
    }
  }

  /** Stop using the session now; the remote shell ends on EOF. */
  close(): void {
    if (!this.open) {
      return;
    }
    this.open = false; // sshd may take its time to confirm: never hand this session out again
    this.channel.end();
    this.channel.close();
  }

  /** A wedged shell (stopped, stuck) never reads its EOF: KILL it so sshd frees the session. */
  private async discard(): Promise<void> {
    this.close();
    if (this.shellPid !== undefined) {
      await this.conn.killGroup(this.shellPid, this.gone, 'KILL');
    }
  }

  // Kill the command's group; if the end markers still do not come, the shell is wedged (or the
  // output pipe is held by something that escaped the group): drop it, the next run rebuilds it.
  private async stop(pending: PendingCommand): Promise<string | undefined> {
    const pgid = await within(pending.pgid, 1000);
    if (pending.finished) {
      return undefined; // it ended on its own meanwhile
    }
    let note: string | undefined;
    if (pgid !== undefined) {
      note = await this.conn.killGroup(pgid, pending.done);
    } else if (!(await settlesWithin(pending.done, 1000))) {
      note = 'its process group id was never reported';
    }
    if (pending.finished) {
      return note;
    }
    await this.discard();
    return `${note ?? 'it did not finish'}; the shell session was wedged and has been replaced`;
  }

  private async boot(readyMs: number): Promise<boolean> {
    const ready = new Handshake(newNonce());
    this.receiver = ready;
    this.channel.write(sessionBoot(ready.nonce));
    const ok = (await settlesWithin(ready.done, readyMs)) && ready.pid !== undefined;
    this.receiver = undefined;
    this.shellPid = ready.pid;
    return ok && this.open;
  }
}
