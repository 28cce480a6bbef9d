// File copy and gather over SFTP (clush --copy / pdcp, clush --rcopy / rpdcp): files and
// directory trees, modes and modification times kept, every host in parallel through the pool.
// One CommandResult per host, as exec gives, so the same folding, summary and exit codes apply.
import { chmod, mkdir, readdir, stat, utimes } from 'node:fs/promises';
import { basename, join, posix } from 'node:path';
import pLimit from 'p-limit';
import type { SFTPWrapper, Stats } from 'ssh2';
import { ConnectError, UsageError } from '../errors.js';
import { failureKindOf, SshTransport } from '../transport/ssh/index.js';
import type { CommandResult, FailureKind } from '../transport/types.js';

export interface TransferOptions {
  /** Hosts in flight at once. */
  concurrency: number;
  signal?: AbortSignal;
  /** List what would be copied; contact no host. */
  dryRun?: boolean;
  /** Told each host's result as it ends. */
  onResult?: (result: CommandResult) => void;
}

interface Tally {
  files: number;
  bytes: number;
  lines: string[]; // dry run: what would be done
}

class TransferError extends Error {}

const MODE_BITS = 0o7777;
// Requests in flight and their size: OpenSSH's sftp-server takes 255 KiB writes
// (limits@openssh.com, which ssh2 honours); bigger requests, fewer round trips.
// Directory entries copied at once: ~3 round trips per small file otherwise add up.
const ENTRIES_IN_FLIGHT = 16;
const FAST = { concurrency: 16, chunkSize: 255 * 1024 };

/** Copy local `sources` to `dest` on every host: into `dest` if it is a directory there, else
 * to `dest` itself (one source only). Directories are copied whole. */
export async function copyToHosts(
  hosts: string[],
  transportFor: (host: string) => unknown,
  sources: string[],
  dest: string,
  options: TransferOptions,
): Promise<CommandResult[]> {
  if (sources.length === 0 || dest === '') {
    throw new UsageError('copy: name at least one source and a destination');
  }
  const trees = await Promise.all(sources.map((s) => localTree(s)));
  const what = `copy ${sources.join(' ')} → ${dest}`;
  return eachHost(hosts, transportFor, what, options, async (sftp, tally, dry) => {
    const destStat = dry ? undefined : await remoteStat(sftp, dest);
    const intoDir = destStat?.isDirectory() ?? (dest.endsWith('/') || sources.length > 1);
    if (!dry && !intoDir && sources.length > 1) {
      throw new TransferError(`${dest} is not a directory (several sources)`);
    }
    for (const tree of trees) {
      const target = intoDir ? posix.join(dest, basename(tree.path)) : dest;
      await putTree(sftp, tree, target, tally, dry);
    }
  });
}

/** Copy `remotes` from every host into LOCALDIR/HOST/ (one directory per host, as
 * `clush --rcopy` keeps hosts apart). Directories are copied whole. */
export async function gatherFromHosts(
  hosts: string[],
  transportFor: (host: string) => unknown,
  remotes: string[],
  localDir: string,
  options: TransferOptions,
): Promise<CommandResult[]> {
  if (remotes.length === 0 || localDir === '') {
    throw new UsageError('gather: name at least one remote path and a local directory');
  }
  const what = `gather ${remotes.join(' ')} → ${localDir}/HOST/`;
  return eachHost(hosts, transportFor, what, options, async (sftp, tally, dry, host) => {
    const dir = join(localDir, host);
    if (dry) {
      tally.lines.push(`${remotes.join(' ')} → ${dir}/`);
      return;
    }
    await mkdir(dir, { recursive: true });
    for (const remote of remotes) {
      await getTree(
        sftp,
        remote,
        join(dir, posix.basename(remote.replace(/\/+$/, '')) || 'root'),
        tally,
      );
    }
  });
}

type HostWork = (sftp: SFTPWrapper, tally: Tally, dry: boolean, host: string) => Promise<void>;

async function eachHost(
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
      : `${tally.files} file${tally.files === 1 ? '' : 's'}, ${tally.bytes} bytes\n`,
    stderr: '',
    durationMs: Date.now() - started,
    ...(failure ? { failure } : {}),
  });
  if (options.signal?.aborted) {
    return result({ kind: 'aborted', message: 'not started: run was interrupted' });
  }
  if (options.dryRun) {
    await work(undefined as unknown as SFTPWrapper, tally, true, host);
    return result();
  }
  if (!(transport instanceof SshTransport)) {
    return result({ kind: 'unreachable', message: `${host}: copy needs an SSH host` });
  }
  try {
    await transport.sftp(async (sftp) => {
      const onAbort = (): void => sftp.end();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await work(sftp, tally, false, host);
      } finally {
        options.signal?.removeEventListener('abort', onAbort);
      }
    });
    return result();
  } catch (err) {
    if (options.signal?.aborted) {
      return result({ kind: 'aborted', message: 'aborted' });
    }
    if (err instanceof ConnectError) {
      return result({ kind: failureKindOf(err), message: err.message });
    }
    const message = err instanceof Error ? err.message : String(err);
    return result({ kind: 'nonzero', message });
  }
}

interface LocalTree {
  path: string;
  mode: number;
  atime: Date;
  mtime: Date;
  size: number;
  children?: LocalTree[]; // a directory
}

async function localTree(path: string): Promise<LocalTree> {
  let st: Awaited<ReturnType<typeof stat>>;
  try {
    st = await stat(path);
  } catch (err) {
    throw new UsageError(`copy: ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const node: LocalTree = {
    path,
    mode: st.mode & MODE_BITS,
    atime: st.atime,
    mtime: st.mtime,
    size: st.size,
  };
  if (st.isDirectory()) {
    const names = (await readdir(path)).sort();
    node.children = await Promise.all(names.map((n) => localTree(join(path, n))));
  } else if (!st.isFile()) {
    throw new UsageError(`copy: ${path} is neither a file nor a directory`);
  }
  return node;
}

async function putTree(
  sftp: SFTPWrapper,
  node: LocalTree,
  remote: string,
  tally: Tally,
  dry: boolean,
): Promise<void> {
  if (dry) {
    tally.lines.push(`${node.path}${node.children ? '/' : ''} → ${remote}`);
    return;
  }
  if (node.children) {
    const have = await remoteStat(sftp, remote);
    if (have === undefined) {
      await call<void>((cb) => sftp.mkdir(remote, { mode: 0o700 }, cb), `mkdir ${remote}`);
    } else if (!have.isDirectory()) {
      throw new TransferError(`${remote} exists and is not a directory`);
    }
    // Entries in parallel on the one SFTP session: a tree of small files is round trips.
    const limit = pLimit(ENTRIES_IN_FLIGHT);
    await Promise.all(
      node.children.map((child) =>
        limit(() => putTree(sftp, child, posix.join(remote, basename(child.path)), tally, dry)),
      ),
    );
  } else {
    await call<void>(
      (cb) => sftp.fastPut(node.path, remote, { mode: node.mode, ...FAST }, cb),
      `write ${remote}`,
    );
    tally.files++;
    tally.bytes += node.size;
  }
  // Mode and times after the contents (a read-only directory could not be filled), in one request.
  await call<void>(
    (cb) => sftp.setstat(remote, { mode: node.mode, atime: node.atime, mtime: node.mtime }, cb),
    `setstat ${remote}`,
  );
}

async function getTree(
  sftp: SFTPWrapper,
  remote: string,
  local: string,
  tally: Tally,
): Promise<void> {
  const st = await remoteStat(sftp, remote);
  if (st === undefined) {
    throw new TransferError(`${remote}: no such file or directory`);
  }
  if (st.isDirectory()) {
    await mkdir(local, { recursive: true });
    const entries = await call<{ filename: string }[]>(
      (cb) => sftp.readdir(remote, cb),
      `readdir ${remote}`,
    );
    const limit = pLimit(ENTRIES_IN_FLIGHT);
    await Promise.all(
      entries
        .map((x) => x.filename)
        .sort()
        .map((e) => limit(() => getTree(sftp, posix.join(remote, e), join(local, e), tally))),
    );
  } else if (st.isFile()) {
    await call<void>((cb) => sftp.fastGet(remote, local, FAST, cb), `read ${remote}`);
    tally.files++;
    tally.bytes += st.size;
  } else {
    return; // sockets, fifos, devices: not copied
  }
  await chmod(local, st.mode & MODE_BITS);
  await utimes(local, st.atime, st.mtime);
}

/** The remote path's attributes (links followed), or undefined when it does not exist. */
async function remoteStat(sftp: SFTPWrapper, path: string): Promise<Stats | undefined> {
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

function call<T>(
  start: (cb: (err: Error | undefined | null, value?: T) => void) => void,
  what: string,
): Promise<T> {
  return new Promise((resolve, reject) => {
    start((err, value) =>
      err ? reject(new TransferError(`${what}: ${err.message}`)) : resolve(value as T),
    );
  });
}
