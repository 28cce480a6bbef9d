// Transport over SSH: connects lazily on the first run, keeps one connection for every later
// command, and reconnects on the next run if the connection dropped in between. Commands without
// stdin go through the warm shell session when it is free; others use an exec channel.
import type { SFTPWrapper } from 'ssh2';
import { ConnectError } from '../../errors.js';
import { display, toShell, type Command } from '../command.js';
import { ShellSession } from '../session/index.js';
import { SshConnection, type ConnectionOptions, type ExecChannel } from './connection.js';
import { runOnExec } from './exec.js';
import {
  Deadline,
  failedResult,
  settlesWithin,
  stoppedBeforeStart,
  within,
  toResult,
  type RawRun,
  type ResultContext,
} from '../run-control.js';
import type {
  CloseOptions,
  CommandResult,
  FailureKind,
  RunOptions,
  SshTarget,
  Transport,
} from '../types.js';

export interface SshTransportOptions extends ConnectionOptions {
  /** Use the persistent shell session for commands without stdin. Default true. */
  session?: boolean;
}

/** Counters for tests, benchmarks and `--verbose`. */
export interface TransportStats {
  connects: number;
  sessionStarts: number;
  sessionRuns: number;
  execRuns: number;
}

type TargetSource = SshTarget | (() => Promise<SshTarget>);

export class SshTransport implements Transport {
  readonly stats: TransportStats = { connects: 0, sessionStarts: 0, sessionRuns: 0, execRuns: 0 };
  private target?: Promise<SshTarget>;
  private opening?: Promise<SshConnection>;
  private live?: SshConnection; // the last connection opened, for `connected`
  private session?: { conn: SshConnection; shell: ShellSession };
  private sessionStarting?: Promise<ShellSession | undefined>;
  // Connections whose session shell would not start (no bash…): they use exec channels only.
  private readonly noSession = new WeakSet<SshConnection>();

  constructor(
    readonly host: string,
    private readonly source: TargetSource,
    private readonly options: SshTransportOptions,
  ) {}

  async run(command: Command, options: RunOptions = {}): Promise<CommandResult> {
    const ctx: ResultContext = {
      host: this.host,
      command: display(command),
      started: Date.now(),
      timeoutMs: options.timeoutMs,
    };
    const deadline = new Deadline(options);
    try {
      return toResult(ctx, await this.runText(toShell(command), options, deadline));
    } catch (err) {
      if (err instanceof ConnectError) {
        return failedResult(ctx, failureKindOf(err), err.message);
      }
      throw err; // a bug or a config error (bad target), not a host failure
    } finally {
      deadline.dispose();
    }
  }

  /**
   * Run `work` on an SFTP session of this host's connection (connecting if needed), within one
   * channel slot; the session ends with it. Throws ConnectError when the host cannot be reached.
   */
  async sftp<T>(work: (sftp: SFTPWrapper) => Promise<T>): Promise<T> {
    const conn = await this.connection();
    const release = await conn.channels.acquire();
    if (!release) {
      throw new ConnectError(this.host, 'other', 'no channel for SFTP');
    }
    try {
      const session = await conn.sftp();
      try {
        return await work(session);
      } finally {
        session.end();
      }
    } finally {
      release();
    }
  }

  /**
   * Run `work` on an exec channel of this host's connection running `text` (a command Salvo
   * built and quoted), within one channel slot: a raw byte stream for a program that speaks its
   * own protocol on stdin/stdout (rsync's server). Throws ConnectError when the host cannot be
   * reached or gives no channel.
   */
  async channel<T>(text: string, work: (exec: ExecChannel) => Promise<T>): Promise<T> {
    const conn = await this.connection();
    const release = await conn.channels.acquire();
    if (!release) {
      throw new ConnectError(this.host, 'other', 'no channel');
    }
    try {
      this.stats.execRuns++;
      return await work(await conn.exec(text));
    } finally {
      release();
    }
  }

  get connected(): boolean {
    return this.live?.alive ?? false;
  }

  /** Connect and start the shell session now (REPL start-up, benchmarks). Throws ConnectError. */
  async warm(): Promise<void> {
    const conn = await this.connection();
    const current = this.session;
    const live = current?.conn === conn && current.shell.alive;
    if (this.options.session !== false && !live && !this.noSession.has(conn)) {
      await this.startSession(conn);
    }
  }

  async close(options: CloseOptions = {}): Promise<void> {
    const opening = this.opening;
    this.opening = undefined;
    this.live = undefined;
    this.session?.shell.close();
    this.session = undefined;
    // A connect still under way (a host that never answers) is not waited for: it is closed
    // when it settles, so closing (and Ctrl-C) is never held up by the connect timeout.
    const settled = opening && (await within(opening, 0).catch(() => undefined));
    if (opening && !settled) {
      void opening.then(
        (c) => c.close(false),
        () => undefined,
      );
      return;
    }
    await settled?.close(options.wait ?? true);
  }

  private async runText(text: string, options: RunOptions, deadline: Deadline): Promise<RawRun> {
    for (let attempt = 0; ; attempt++) {
      const got = await deadline.race(this.connection());
      if ('stop' in got) {
        return stoppedBeforeStart(got.stop);
      }
      const conn = got.value;
      try {
        return await this.runOn(conn, text, options, deadline);
      } catch (err) {
        // The connection died between commands and we had not noticed yet: the channel never
        // opened, the command never started, so one retry on a fresh connection is safe.
        if (attempt === 0 && err instanceof ConnectError && (await dropped(conn))) {
          continue;
        }
        throw err;
      }
    }
  }

  private async runOn(
    conn: SshConnection,
    text: string,
    options: RunOptions,
    deadline: Deadline,
  ): Promise<RawRun> {
    // The session carries plain commands; stdin, streaming and a pty need a channel of their own.
    if (
      options.stdin === undefined &&
      !options.onOutput &&
      !options.pty &&
      options.maxOutput !== 0
    ) {
      const shell = await this.idleSession(conn, deadline);
      // Re-check after the await: a concurrent run may have taken it. Check and claim (run sets
      // `running` before its first await) happen in one synchronous step.
      if (shell?.idle) {
        this.stats.sessionRuns++;
        return shell.run(text, deadline, options.maxOutput);
      }
    }
    const release = deadline.kind ? null : await conn.channels.acquire(deadline.stopped);
    if (!release) {
      return stoppedBeforeStart(deadline.kind ?? 'aborted');
    }
    try {
      this.stats.execRuns++;
      return await runOnExec(conn, text, options, deadline);
    } finally {
      release();
    }
  }

  /** The session if it is free now; starts one if there is none. Busy → undefined (use exec). */
  private async idleSession(
    conn: SshConnection,
    deadline: Deadline,
  ): Promise<ShellSession | undefined> {
    if (this.options.session === false || this.noSession.has(conn)) {
      return undefined;
    }
    const current = this.session;
    if (current?.conn === conn && current.shell.alive) {
      return current.shell.idle ? current.shell : undefined;
    }
    if (this.sessionStarting) {
      return undefined; // another command is building it: don't wait
    }
    const got = await deadline.race(this.startSession(conn));
    return 'value' in got ? got.value : undefined;
  }

  private startSession(conn: SshConnection): Promise<ShellSession | undefined> {
    this.sessionStarting ??= (async () => {
      try {
        const release = await conn.channels.acquire();
        if (!release) {
          return undefined;
        }
        const shell = await ShellSession.start(
          conn,
          release,
          Math.max(conn.target.connectTimeoutMs, 1000),
        );
        this.session = { conn, shell };
        this.stats.sessionStarts++;
        return shell;
      } catch (err) {
        if (conn.alive) {
          this.noSession.add(conn);
          this.options.onNote?.(
            this.host,
            `no shell session, using exec channels: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        return undefined;
      } finally {
        this.sessionStarting = undefined;
      }
    })();
    return this.sessionStarting;
  }

  /** The live connection, opening (or re-opening, once) as needed. */
  private async connection(reopened = false): Promise<SshConnection> {
    this.opening ??= this.openConnection();
    const opening = this.opening;
    let conn: SshConnection;
    try {
      conn = await opening;
    } catch (err) {
      if (this.opening === opening) {
        this.opening = undefined; // the next run tries again
      }
      throw err;
    }
    if (conn.alive || reopened) {
      return conn;
    }
    if (this.opening === opening) {
      this.opening = undefined; // dropped since the last command: reconnect
      void conn.close(); // also closes a dedicated jump connection
    }
    return this.connection(true);
  }

  private async openConnection(): Promise<SshConnection> {
    this.target ??=
      typeof this.source === 'function' ? this.source() : Promise.resolve(this.source);
    const target = await this.target.catch((err: unknown) => {
      this.target = undefined;
      throw err;
    });
    const conn = await SshConnection.open(target, this.options);
    this.stats.connects++;
    this.live = conn;
    return conn;
  }
}

/** Is the connection going away? A channel refused by a dying connection may precede 'close'. */
async function dropped(conn: SshConnection): Promise<boolean> {
  return !conn.alive || (await settlesWithin(conn.whenClosed(), 500));
}

/**
 * Connect failures in CommandResult terms. A connect timeout is `unreachable` (the host never
 * answered; exit code 3 and the retry set), not `timeout`, which means the command ran past its
 * deadline and was killed.
 */
export function failureKindOf(err: ConnectError): FailureKind {
  switch (err.reason) {
    case 'auth':
      return 'auth';
    case 'hostkey':
    case 'unknown-host':
      return 'hostkey';
    default:
      return 'unreachable';
  }
}
