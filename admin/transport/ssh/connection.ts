// One SSH connection to one host, reused for every command of a run. Owns the per-connection
// channel limit, opens exec channels, forwards for ProxyJump, and kills remote process groups.
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { ConnectError, InternalError } from '../../errors.js';
import { ChannelLimit, channelCount } from '../channel-limit.js';
import { killText, type ExecShell } from '../session/index.js';
import { settlesWithin } from '../run-control.js';
import { destroySocket } from './ssh2.js';
import { connectClient, type ConnectSettings } from './connect.js';
import { proxyCommandStream } from './proxy-command.js';
import type { SshTarget } from '../types.js';

/** How a remote command ended, from the channel's exit-status or exit-signal request. */
export interface ExitStatus {
  code: number | null;
  signal: string | null; // 'SIGTERM' style
}

/** An open exec channel with its end already being watched. */
export interface ExecChannel {
  channel: ClientChannel;
  /** The exit status, or undefined if the channel closed without one (connection lost). */
  exit: Promise<ExitStatus | undefined>;
  closed: Promise<void>;
}

export interface ConnectionOptions extends ConnectSettings {
  /** Command channels open at once (exec channels and the shell session). Default 8, max 8. */
  channelsPerConnection?: number;
  /**
   * The connection to hop through for `target.proxyJump`. The pool shares one per jump host;
   * without it, a dedicated jump connection is opened and closed with this one.
   */
  jump?: (target: SshTarget) => Promise<SshConnection>;
}

// Delays before each retry of a refused channel open; `undefined` ends the attempts (~0.4 s).
const OPEN_RETRY_MS: ReadonlyArray<number | undefined> = [10, 25, 50, 100, 200, undefined];

export class SshConnection {
  readonly channels: ChannelLimit;
  // One kill at a time, outside `channels`: 8 command channels + 1 kill stay under MaxSessions 10,
  // and a kill never waits behind the very commands it is meant to stop.
  private readonly kills = new ChannelLimit(1);
  private open = true;
  private readonly closed: Promise<void>;
  /** The shell exec-channel commands run in; becomes 'sh' once the host turns out to lack bash. */
  execShell: ExecShell = 'bash';

  private constructor(
    readonly target: SshTarget,
    private readonly client: Client,
    channels: number,
    private readonly ownedJump?: SshConnection,
  ) {
    this.channels = new ChannelLimit(channels);
    this.closed = new Promise((resolve) =>
      client.once('close', () => {
        this.open = false;
        resolve();
      }),
    );
    // Keepalive timeouts and resets arrive as 'error' then 'close'; 'close' is what we act on.
    client.on('error', () => undefined);
  }

  /** Connect (with retries), through the jump host if the target has one. */
  static async open(target: SshTarget, options: ConnectionOptions): Promise<SshConnection> {
    const channels = channelCount(options.channelsPerConnection);
    if (target.proxyCommand !== undefined) {
      const command = target.proxyCommand;
      const client = await connectClient(target, options, () =>
        proxyCommandStream(target, command),
      );
      return new SshConnection(target, client, channels);
    }
    if (!target.proxyJump) {
      return new SshConnection(target, await connectClient(target, options), channels);
    }
    const { jump, owned } = await reachJump(target, target.proxyJump, options);
    try {
      const client = await connectClient(target, options, () => jump.forward(target));
      return new SshConnection(target, client, channels, owned ? jump : undefined);
    } catch (err) {
      if (owned) {
        await jump.close();
      }
      throw err;
    }
  }

  get alive(): boolean {
    return this.open;
  }

  /** Resolves when the connection is gone (closed by us, the server, or keepalive). */
  whenClosed(): Promise<void> {
    return this.closed;
  }

  /**
   * Open an exec channel. Rejects with ConnectError if the connection cannot give one.
   * sshd frees a closed session only on its next loop pass, so an open that follows a close in
   * the same packet batch can meet "no more sessions" (MaxSessions) although we stay below it:
   * the command never started, so a refused open is retried a few times with a short backoff.
   */
  async exec(text: string, pty = false): Promise<ExecChannel> {
    for (const backoff of OPEN_RETRY_MS) {
      try {
        return await this.execOnce(text, pty);
      } catch (err) {
        if (!this.open || backoff === undefined) {
          throw err;
        }
        await new Promise((resolve) => setTimeout(resolve, backoff));
      }
    }
    throw new InternalError('unreachable');
  }

  private execOnce(text: string, pty: boolean): Promise<ExecChannel> {
    return new Promise((resolve, reject) => {
      const failed = (err: unknown): void =>
        reject(
          new ConnectError(
            this.target.name,
            'other',
            `cannot open a channel: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      try {
        const done = (err: Error | undefined, channel: ClientChannel): void =>
          err ? failed(err) : resolve(watchEnd(channel));
        if (pty) {
          // A terminal like `ssh -t`'s; TERM from ours, or a plain one.
          this.client.exec(text, { pty: { term: process.env.TERM ?? 'xterm' } }, done);
        } else {
          this.client.exec(text, done);
        }
      } catch (err) {
        failed(err); // ssh2 throws synchronously when the socket is already gone
      }
    });
  }

  /** An SFTP session on this connection (the caller holds a channel slot for it). */
  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => {
      const failed = (err: unknown): void =>
        reject(
          new ConnectError(
            this.target.name,
            'other',
            `cannot start SFTP: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      try {
        this.client.sftp((err, sftp) => (err ? failed(err) : resolve(sftp)));
      } catch (err) {
        failed(err);
      }
    });
  }

  /** A TCP stream to `to` through this connection (this host is `to`'s ProxyJump). */
  forward(to: SshTarget): Promise<Duplex> {
    return new Promise((resolve, reject) => {
      const failed = (err: unknown): void =>
        reject(
          new ConnectError(
            to.name,
            'refused',
            `jump host ${this.target.name} cannot reach ${to.hostname}:${to.port}: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
      try {
        this.client.forwardOut('127.0.0.1', 0, to.hostname, to.port, (err, stream) =>
          err ? failed(err) : resolve(stream),
        );
      } catch (err) {
        failed(err);
      }
    });
  }

  /**
   * Stop a remote process group: TERM, then KILL if `done` (the command's own end) has not come
   * within 1 s; or KILL at once. Returns a note when the end could not be confirmed.
   */
  async killGroup(
    pgid: number,
    done: Promise<unknown>,
    first: 'TERM' | 'KILL' = 'TERM',
  ): Promise<string | undefined> {
    if (!(await this.signalGroup(pgid, first))) {
      return `could not reach the host to kill process group ${pgid}`;
    }
    if (first === 'TERM' && !(await settlesWithin(done, 1000))) {
      await this.signalGroup(pgid, 'KILL');
    }
    return (await settlesWithin(done, 1000))
      ? undefined
      : `process group ${pgid} did not confirm its exit`;
  }

  /** Send the disconnect; with `wait` (default), also wait up to 1 s for the server's close. */
  async close(wait = true): Promise<void> {
    if (this.open) {
      this.client.end();
      if (!wait) {
        // Not waited for, yet never left behind: a peer that vanished (a stopped guest) never
        // answers our FIN, and the socket would hold the process open for many minutes.
        setTimeout(() => destroySocket(this.client), 1000).unref();
      } else if (!(await settlesWithin(this.closed, 1000))) {
        destroySocket(this.client);
      }
    }
    await this.ownedJump?.close(wait);
  }

  private async signalGroup(pgid: number, signal: 'TERM' | 'KILL'): Promise<boolean> {
    if (!this.open) {
      return false;
    }
    const release = await this.kills.acquire();
    try {
      const { channel, closed } = await this.exec(killText(pgid, signal));
      channel.resume().stderr.resume(); // a channel whose output is never read never emits 'close'
      channel.end(); // empty stdin
      return await settlesWithin(closed, 5000);
    } catch {
      return false;
    } finally {
      release?.();
    }
  }
}

/**
 * Listen for the end right inside ssh2's callback: under load the exec reply, the output, the
 * exit status and the close can arrive in one TCP read, and ssh2 emits 'exit' synchronously while
 * parsing it, before any `await` continuation could attach a listener (seen with 20+ hosts).
 */
function watchEnd(channel: ClientChannel): ExecChannel {
  const closed = new Promise<void>((resolve) => channel.once('close', () => resolve()));
  const exit = new Promise<ExitStatus | undefined>((resolve) => {
    channel.once('exit', (code: number | null, signal?: string) =>
      resolve({ code: code ?? null, signal: signal ?? null }),
    );
    void closed.then(() => resolve(undefined));
  });
  return { channel, exit, closed };
}

async function reachJump(
  target: SshTarget,
  jumpTarget: SshTarget,
  options: ConnectionOptions,
): Promise<{ jump: SshConnection; owned: boolean }> {
  try {
    if (options.jump) {
      return { jump: await options.jump(jumpTarget), owned: false };
    }
    return { jump: await SshConnection.open(jumpTarget, options), owned: true };
  } catch (err) {
    if (!(err instanceof ConnectError)) {
      throw err;
    }
    // Keep the jump host's reason (auth, hostkey…) but report it against the target.
    throw new ConnectError(target.name, err.reason, `via jump host ${err.message}`);
  }
}
