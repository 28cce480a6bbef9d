// rsync over Salvo's own connections, for `salvo copy` and `salvo gather`: the local rsync is started with a remote
// shell (`-e`) that is a small bridge program, and with a Node IPC channel (a socketpair only
// rsync and its child inherit: nothing on the filesystem to reach). The bridge sends this
// process rsync's server argv and its own stdin and stdout, as file descriptors over that
// channel, and then only waits: this process reads and writes rsync's pipes itself, no byte is
// copied through the bridge. The argv must be `rsync --server …`; it runs, each word quoted by
// Salvo, on an exec channel of the host's pooled ssh2 connection (host keys verified as for every
// other command; no OpenSSH client, no config written). With --secluded-args (-s) paths go over
// rsync's protocol, never through the remote shell. The bridge exits with the server's status.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectError } from '../../errors.js';
import { quote } from '../../transport/command.js';
import type { SshTransport } from '../../transport/ssh/index.js';

// The remote shell rsync runs: `BRIDGE [-l USER] HOST rsync --server …` (HOST is rsync's; the
// connection is chosen by the IPC channel). Built-ins only, so it runs from the private directory
// wherever Salvo itself is installed (bundled or not). Node closes the bridge's copies of the
// descriptors it sends, so rsync sees the end of the stream when this process ends it.
const BRIDGE = `'use strict';
const args = process.argv.slice(2);
const at = args[0] === '-l' ? 2 : 0; // -l USER for USER@HOST: the connection's user applies
const fail = (e) => { process.stderr.write('salvo rsync bridge: ' + (e && e.message || e) + '\\n'); process.exit(255); };
if (!process.send) fail('no channel to salvo');
process.on('disconnect', () => process.exit(255));
process.on('message', (m) => { if (m && typeof m.exit === 'number') process.exit(m.exit); });
process.send({ argv: args.slice(at + 1) }, process.stdin, (err) => {
  if (err) return fail(err);
  process.send({ stdout: true }, process.stdout, (err2) => { if (err2) fail(err2); });
});
`;

/** rsync's environment, which the bridge inherits: ours without NODE_* (NODE_OPTIONS from a
 * debugger or test runner would load into the bridge and speak on rsync's stderr); Node adds
 * the IPC channel's variables itself. */
function bridgeEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('NODE_')) {
      env[k] = v;
    }
  }
  return env;
}
const KEEP_STDERR = 4000;
const ABORT_GRACE_MS = 5000;

/** The local rsync's version when it can carry a copy (≥ 3.0: --secluded-args), else undefined.
 * Asked once per process. */
export function localRsync(): Promise<string | undefined> {
  localRsyncVersion ??= new Promise((resolve) => {
    execFile('rsync', ['--version'], { timeout: 10_000 }, (err, stdout) => {
      const v = /version\s+v?(\d+)\.(\d+)\.(\d+)/.exec(err ? '' : stdout);
      resolve(v && Number(v[1]) >= 3 ? `${v[1]}.${v[2]}.${v[3]}` : undefined);
    });
  });
  return localRsyncVersion;
}
let localRsyncVersion: Promise<string | undefined> | undefined;

export interface RsyncRun {
  /** rsync's exit code (null: killed by a signal). */
  code: number | null;
  /** The tail of the local rsync's stdout (`--stats`) and stderr. */
  stdout: string;
  stderr: string;
  /** Why the host's side could not run: the connection or channel failed. */
  connectError?: ConnectError;
  /** The remote rsync's exit status and stderr tail, when its channel ran. */
  remote?: { code: number | null; signal: string | null; stderr: string };
}

/** One per copy: the private directory holding the bridge program. */
export class RsyncBridge {
  private constructor(
    private readonly dir: string,
    private readonly bridge: string,
  ) {}

  static async open(): Promise<RsyncBridge> {
    const dir = await mkdtemp(join(tmpdir(), 'salvo-rsync-')); // mode 0700
    try {
      const bridge = join(dir, 'bridge.cjs');
      await writeFile(bridge, BRIDGE, { mode: 0o600 });
      return new RsyncBridge(dir, bridge);
    } catch (err) {
      await rm(dir, { recursive: true, force: true });
      throw err;
    }
  }

  /** rsync's -e words: node and the bridge, quoted as rsync splits them (quotes, no backslashes). */
  private rsh(): string | undefined {
    const words = [process.execPath, this.bridge];
    return words.some((w) => w.includes("'")) ? undefined : words.map((w) => `'${w}'`).join(' ');
  }

  /** A path on the transport's host, as a word of rsync's argv (HOST is a fixed word: which host
   * is decided by the channel, not by rsync's argv). */
  static remote(path: string): string {
    return `salvo:${path}`;
  }

  /**
   * Run the local rsync with `args`: options, then sources and destination, the host's side
   * written with remote() (to the host: local sources, one remote destination; from it: remote
   * sources, a local destination). Local paths must not look remote (absolute paths do not).
   */
  async run(transport: SshTransport, args: string[], signal?: AbortSignal): Promise<RsyncRun> {
    const rsh = this.rsh();
    if (rsh === undefined) {
      return { code: null, stdout: '', stderr: 'the path of node or of the bridge holds a quote' };
    }
    const out: RsyncRun = { code: null, stdout: '', stderr: '' };
    let server: Promise<void> | undefined;
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn('rsync', ['-e', rsh, ...args], {
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: bridgeEnv(),
        ...(signal ? { signal } : {}),
      });
      child.stdout?.setEncoding('utf8').on('data', (d: string) => {
        out.stdout = (out.stdout + d).slice(-KEEP_STDERR);
      });
      child.stderr?.setEncoding('utf8').on('data', (d: string) => {
        out.stderr = (out.stderr + d).slice(-KEEP_STDERR);
      });
      child.on('error', (e) => {
        if ((e as { code?: string }).code !== 'ABORT_ERR') {
          out.stderr += e.message;
        }
      });
      let argv: unknown;
      let input: Socket | undefined;
      child.on('message', (m: unknown, handle: unknown) => {
        const msg = (m ?? {}) as { argv?: unknown; stdout?: unknown };
        if (server !== undefined || !isSocket(handle)) {
          return;
        }
        if (input === undefined && msg.argv !== undefined) {
          argv = msg.argv;
          input = handle;
          input.pause();
        } else if (input !== undefined && msg.stdout === true) {
          server = this.serve(transport, argv, input, handle, child, out, signal);
        }
      });
      // The bridge holds the IPC channel too: once rsync has exited (done, failed, or killed
      // by an abort), cut it, so a bridge still waiting exits. rsync's exit is the end: after
      // an abort 'close' was seen never to come (3 of 3 hosts), so stdout and stderr get a
      // moment to finish, not a promise.
      child.on('exit', (c) => {
        if (child.connected) {
          child.disconnect();
        }
        const done = (): void => resolve(c);
        const open = [child.stdout, child.stderr].filter((s) => s && !s.readableEnded);
        let left = open.length;
        if (left === 0) {
          done();
        } else {
          for (const s of open) {
            s?.once('end', () => --left === 0 && done());
          }
          setTimeout(done, 500).unref();
        }
      });
    });
    await server;
    out.code = code;
    return out;
  }

  async close(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }

  /** rsync's server on the host, its channel joined to rsync's pipes. */
  private async serve(
    transport: SshTransport,
    argv: unknown,
    input: Socket,
    output: Socket,
    child: ChildProcess,
    out: RsyncRun,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const tell = (exit: number): void => {
      if (child.connected) {
        child.send({ exit }, () => undefined);
      }
    };
    const drop = (): void => {
      input.destroy();
      output.destroy();
    };
    // Only what the local rsync asks of a server.
    const ok =
      Array.isArray(argv) &&
      argv.every((a) => typeof a === 'string') &&
      argv[0] === 'rsync' &&
      argv[1] === '--server';
    if (!ok) {
      drop();
      tell(255);
      out.stderr += 'salvo: the bridge asked for something other than rsync --server';
      return;
    }
    input.on('error', () => undefined);
    output.on('error', () => undefined);
    // Ctrl-C: rsync is killed by its spawn signal; the server's channel is closed here.
    let onAbort = (): void => drop();
    signal?.addEventListener('abort', () => onAbort(), { once: true });
    const text = (argv as string[]).map(quote).join(' ');
    try {
      await transport.channel(text, async ({ channel, exit, closed }) => {
        let stderr = '';
        channel.stderr.setEncoding('utf8').on('data', (d: string) => {
          stderr = (stderr + d).slice(-KEEP_STDERR);
        });
        onAbort = () => {
          // sshd keeps a closed session until its command exits, and a server blocked writing
          // to a channel nobody reads never sees its input end: read and drop its output, show
          // it the end of its input (it exits on that), close after a grace period regardless.
          input.unpipe(channel);
          channel.unpipe(output);
          drop();
          channel.resume();
          channel.stderr.resume();
          channel.end();
          setTimeout(() => channel.close(), ABORT_GRACE_MS).unref();
        };
        if (signal?.aborted) {
          onAbort();
        }
        input.pipe(channel); // rsync closed its end → EOF to the server
        channel.pipe(output); // the server's EOF → rsync reads the end
        input.resume();
        input.once('close', () => channel.close());
        // A server that sends (gather) exits while the local rsync still holds its end open, as
        // rsync waits for its remote shell to exit first: once the server has exited nobody
        // reads its input, so end it, or the channel never closes and both sides wait.
        void exit.then(() => {
          input.unpipe(channel);
          if (!channel.writableEnded) {
            channel.end();
          }
        });
        // rsync's end of its pipe gone (it shut it once done): nothing more can be delivered,
        // and a channel whose output is not read never reaches its end, so never closes.
        output.once('finish', () => {
          channel.unpipe(output);
          channel.resume();
        });
        await closed;
        const status = await exit;
        output.end();
        out.remote = { code: status?.code ?? null, signal: status?.signal ?? null, stderr };
        tell(status?.code ?? 255);
      });
    } catch (err) {
      drop();
      tell(255);
      out.connectError =
        err instanceof ConnectError
          ? err
          : new ConnectError(
              transport.host,
              'other',
              err instanceof Error ? err.message : String(err),
            );
    }
  }
}

function isSocket(h: unknown): h is Socket {
  return typeof h === 'object' && h !== null && 'pipe' in h && 'destroy' in h;
}
