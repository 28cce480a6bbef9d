// The frame both directions share: one result per host (as exec gives, so folding, summary and
// exit codes apply), hosts in parallel, the SFTP session, the rsync failure, SFTP's callbacks.
import type { SFTPWrapper, Stats } from 'ssh2';
import pLimit from 'p-limit';
import { ConnectError } from '../../errors.js';
import { failureKindOf, SshTransport } from '../../transport/ssh/index.js';
import type { CommandResult, FailureKind } from '../../transport/types.js';
import type { RsyncRun } from './rsync.js';

/** How a copy goes: rsync when both ends have it (default), or always one way. */
export type CopyVia = 'auto' | 'rsync' | 'sftp';

export interface TransferOptions {
  /** Hosts in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** List what would be copied; contact no host. */
  dryRun?: boolean;
  /** Told each host's result as it ends. */
  onResult?: (result: CommandResult) => void;
  /** rsync or SFTP (default auto: rsync where both ends have it). */
  via?: CopyVia;
  /** Per host: which way the copy went and why (`-v`). */
  onNote?: (host: string, note: string) => void;
}

export interface Tally {
  files: number;
  bytes: number;
  lines: string[]; // dry run: what would be done
  via?: 'rsync' | 'sftp';
}

export class TransferError extends Error {}

export const MODE_BITS = 0o7777;
// Requests in flight and their size: OpenSSH's sftp-server takes 255 KiB writes
// (limits@openssh.com, which ssh2 honours); bigger requests, fewer round trips.
// Directory entries copied at once: ~3 round trips per small file otherwise add up.
export const ENTRIES_IN_FLIGHT = 16;
export const FAST = { concurrency: 16, chunkSize: 255 * 1024 };

// -r trees, -L symlinks followed (as the SFTP path reads them), -p modes, -t times (directories'
// too); owners are the login user's, as over SFTP. -s: paths go over rsync's protocol, not
// through the remote shell.
export const RSYNC_FLAGS = ['-rLpt', '-s'];

/** Throws the failure of an rsync run: the connection's, or rsync's exit and last words. */
export function rsyncOk(run: RsyncRun, signal: AbortSignal | undefined): void {
  if (run.connectError) {
    throw run.connectError;
  }
  if (signal?.aborted) {
    throw new TransferError('aborted');
  }
  if (run.code !== 0 || (run.remote && run.remote.code !== 0)) {
    const said = [run.stderr, run.remote?.stderr ?? '']
      .join('\n')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('rsync error:'));
    const code = run.code ?? 'killed';
    throw new TransferError(
      `rsync exit ${code}${said.length ? `: ${said.slice(-2).join('; ')}` : ''}`,
    );
  }
}

/** One host's transfer; `transport` undefined: a dry run (list what would be done). */
export type HostWork = (
  host: string,
  transport: SshTransport | undefined,
  tally: Tally,
) => Promise<void>;

/** A probe that did not run: the host's own failure (unreachable, auth…) is the result's. */
export class ProbeFailed extends Error {
  constructor(readonly result: CommandResult) {
    super(result.failure?.message ?? `exit ${result.exitCode}`);
  }
}

export async function withSftp(
  transport: SshTransport,
  signal: AbortSignal | undefined,
  work: (sftp: SFTPWrapper) => Promise<void>,
): Promise<void> {
  await transport.sftp(async (sftp) => {
    const onAbort = (): void => sftp.end();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await work(sftp);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  });
}

export async function eachHost(
  hosts: string[],
  transportFor: (host: string) => unknown,
  what: string,
  options: TransferOptions,
  work: HostWork,
): Promise<CommandResult[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  return Promise.all(
    hosts.map((host) =>
      limit(async () => {
        const r = await oneHost(host, transportFor(host), what, options, work);
        options.onResult?.(r);
        return r;
      }),
    ),
  );
}

async function oneHost(
  host: string,
  transport: unknown,
  what: string,
  options: TransferOptions,
  work: HostWork,
): Promise<CommandResult> {
  const started = Date.now();
  const tally: Tally = { files: 0, bytes: 0, lines: [] };
  const result = (failure?: { kind: FailureKind; message: string }): CommandResult => ({
    host,
    command: what,
    ok: failure === undefined,
    exitCode: failure === undefined ? 0 : null,
    signal: null,
    stdout: options.dryRun
      ? tally.lines.map((l) => `would copy ${l}\n`).join('')
      : `${tally.files} file${tally.files === 1 ? '' : 's'}, ${tally.bytes} bytes${tally.via ? ` via ${tally.via}` : ''}\n`,
    stderr: '',
    durationMs: Date.now() - started,
    ...(failure ? { failure } : {}),
  });
  if (options.signal?.aborted) {
    return result({ kind: 'aborted', message: 'not started: run was interrupted' });
  }
  if (options.dryRun) {
    await work(host, undefined, tally);
    return result();
  }
  if (!(transport instanceof SshTransport)) {
    return result({ kind: 'unreachable', message: `${host}: copy needs an SSH host` });
  }
  try {
    await work(host, transport, tally);
    return result();
  } catch (err) {
    if (options.signal?.aborted) {
      return result({ kind: 'aborted', message: 'aborted' });
    }
    if (err instanceof ProbeFailed && err.result.failure) {
      return result(err.result.failure);
    }
    if (err instanceof ConnectError) {
      return result({ kind: failureKindOf(err), message: err.message });
    }
    const message = err instanceof Error ? err.message : String(err);
    return result({ kind: 'nonzero', message });
  }
}

/** The remote path's attributes (links followed), or undefined when it does not exist. */
export async function remoteStat(sftp: SFTPWrapper, path: string): Promise<Stats | undefined> {
  return new Promise((resolve, reject) => {
    sftp.stat(path, (err, st) => {
      if (!err) {
        resolve(st);
      } else if ((err as { code?: number }).code === 2) {
        resolve(undefined); // SSH_FX_NO_SUCH_FILE
      } else {
        reject(new TransferError(`stat ${path}: ${err.message}`));
      }
    });
  });
}

export function call<T>(
  start: (cb: (err: Error | undefined | null, value?: T) => void) => void,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    start((err, value) =>
      err ? reject(new TransferError(`${what}: ${err.message}`)) : resolve(value as T),
    );
  });
}
