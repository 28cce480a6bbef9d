// Copy: local files and trees to every host (clush --copy, pdcp), by rsync over the host's own
// connection when both ends have it, else (and for a few new plain files) over SFTP.
import { readdir, stat } from 'node:fs/promises';
import { basename, join, posix, resolve } from 'node:path';
import pLimit from 'p-limit';
import type { SFTPWrapper } from 'ssh2';
import { UsageError } from '../../errors.js';
import { cmd, Raw } from '../../transport/command.js';
import type { SshTransport } from '../../transport/ssh/index.js';
import type { CommandResult } from '../../transport/types.js';
import {
  call,
  eachHost,
  ENTRIES_IN_FLIGHT,
  FAST,
  MODE_BITS,
  ProbeFailed,
  RSYNC_FLAGS,
  remoteStat,
  rsyncOk,
  type Tally,
  TransferError,
  type TransferOptions,
  withSftp,
} from './hosts.js';
import { localRsync, RsyncBridge } from './rsync.js';
import { SharedReads } from './shared-read.js';

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
  const via = options.via ?? 'auto';
  const local = via === 'sftp' || options.dryRun ? undefined : await localRsync();
  if (via === 'rsync' && local === undefined && !options.dryRun) {
    throw new UsageError('copy --via rsync: no rsync (3.0 or later) on this machine');
  }
  const bridge = local === undefined ? undefined : await RsyncBridge.open();
  const reads = new SharedReads();
  // auto: a few plain files that no host has yet go by SFTP, as rsync could neither skip nor
  // delta them and costs two processes more per host (bench/copy: one fresh 64 MiB file to 20
  // hosts took ~1.5× longer by rsync than by SFTP). Trees and files already there go by rsync.
  const plain = trees.every((t) => t.children === undefined) && trees.length <= ENTRIES_IN_FLIGHT;
  try {
    return await eachHost(hosts, transportFor, what, options, async (host, transport, tally) => {
      if (transport === undefined) {
        for (const tree of trees) {
          await putTree(undefined, tree, target(tree, dest, sources.length), tally);
        }
        return;
      }
      if (bridge === undefined) {
        options.onNote?.(
          host,
          `copy via sftp: ${via === 'sftp' ? '--via sftp' : 'no rsync (3.0 or later) on this machine'}`,
        );
        await sftpCopy(transport, trees, sources.length, dest, tally, reads, options.signal);
        return;
      }
      // One round trip: does an rsync run on the host, what is DEST there, and (auto, plain
      // files) is any of them in DEST already.
      const inDest =
        via === 'auto' && plain
          ? trees.flatMap((t) => [
              new Raw('if test -e'),
              posix.join(dest, basename(t.path)),
              new Raw('; then echo there; fi;'),
            ])
          : [];
      const probe = await transport.run(
        cmd(
          new Raw('rsync --version >/dev/null 2>&1 && echo rsync; if test -d'),
          dest,
          new Raw('; then echo dir;'),
          ...inDest,
          new Raw('elif test -e'),
          dest,
          new Raw('; then echo other; fi'),
        ),
        options.signal ? { signal: options.signal } : {},
      );
      if (!probe.ok) {
        throw new ProbeFailed(probe);
      }
      const said = probe.stdout.split('\n');
      if (!said.includes('rsync')) {
        if (via === 'rsync') {
          throw new TransferError(`no rsync on ${host} (--via rsync)`);
        }
        options.onNote?.(host, 'copy via sftp: no rsync on the host');
        await sftpCopy(transport, trees, sources.length, dest, tally, reads, options.signal);
        return;
      }
      if (via === 'auto' && plain && !said.includes('there') && !said.includes('other')) {
        options.onNote?.(host, 'copy via sftp: new plain files, nothing for rsync to skip');
        await sftpCopy(transport, trees, sources.length, dest, tally, reads, options.signal);
        return;
      }
      options.onNote?.(host, `copy via rsync: rsync ${local} here and on the host`);
      // DEST a directory: into it; something else: to it; absent: as its name and the sources say.
      const destIsDir = said.includes('dir') || (said.includes('other') ? false : undefined);
      await rsyncCopy(bridge, transport, trees, dest, destIsDir, tally, options.signal);
    });
  } finally {
    await bridge?.close();
  }
}

/** Where a source goes: into DEST when DEST is (or must be) a directory, else DEST itself. */
function target(tree: LocalTree, dest: string, sources: number, destIsDir?: boolean): string {
  const intoDir = destIsDir ?? (dest.endsWith('/') || sources > 1);
  return intoDir ? posix.join(dest, basename(tree.path)) : dest;
}

async function sftpCopy(
  transport: SshTransport,
  trees: LocalTree[],
  sources: number,
  dest: string,
  tally: Tally,
  reads: SharedReads,
  signal: AbortSignal | undefined,
): Promise<void> {
  tally.via = 'sftp';
  await withSftp(transport, signal, async (sftp) => {
    const destStat = await remoteStat(sftp, dest);
    const intoDir = destStat?.isDirectory() ?? (dest.endsWith('/') || sources > 1);
    if (!intoDir && sources > 1) {
      throw new TransferError(`${dest} is not a directory (several sources)`);
    }
    if (intoDir && destStat === undefined) {
      // As rsync does: the directory named DEST is made (its parent must exist).
      await call<void>((cb) => sftp.mkdir(dest, cb), `mkdir ${dest}`);
    }
    for (const tree of trees) {
      await putTree(sftp, tree, target(tree, dest, sources, intoDir), tally, reads);
    }
  });
}

async function rsyncCopy(
  bridge: RsyncBridge,
  transport: SshTransport,
  trees: LocalTree[],
  dest: string,
  destIsDir: boolean | undefined,
  tally: Tally,
  signal: AbortSignal | undefined,
): Promise<void> {
  tally.via = 'rsync';
  const intoDir = destIsDir ?? (dest.endsWith('/') || trees.length > 1);
  if (!intoDir && trees.length > 1) {
    throw new TransferError(`${dest} is not a directory (several sources)`);
  }
  // Into DEST: each source by its name (no trailing slash). To DEST itself: a directory's
  // contents (trailing slash), so DEST becomes that directory, as over SFTP.
  const sources = trees.map((t) => {
    const abs = resolve(t.path); // absolute: never taken for HOST:PATH
    return !intoDir && t.children ? `${abs}/` : abs;
  });
  const to = intoDir && !dest.endsWith('/') ? `${dest}/` : dest;
  const run = await bridge.run(
    transport,
    [...RSYNC_FLAGS, ...sources, RsyncBridge.remote(to)],
    signal,
  );
  rsyncOk(run, signal);
  for (const t of trees) {
    count(t, tally);
  }
}

function count(node: LocalTree, tally: Tally): void {
  if (node.children) {
    for (const c of node.children) {
      count(c, tally);
    }
  } else {
    tally.files++;
    tally.bytes += node.size;
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

/** `sftp` and `reads` undefined: a dry run. */
async function putTree(
  sftp: SFTPWrapper | undefined,
  node: LocalTree,
  remote: string,
  tally: Tally,
  reads?: SharedReads,
): Promise<void> {
  if (sftp === undefined || reads === undefined) {
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
        limit(() => putTree(sftp, child, posix.join(remote, basename(child.path)), tally, reads)),
      ),
    );
  } else {
    await putFile(sftp, node, remote, reads);
    tally.files++;
    tally.bytes += node.size;
  }
  // Mode and times after the contents (a read-only directory could not be filled), in one request.
  await call<void>(
    (cb) => sftp.setstat(remote, { mode: node.mode, atime: node.atime, mtime: node.mtime }, cb),
    `setstat ${remote}`,
  );
}

/** One file's contents, FAST.concurrency writes in flight, each chunk read once for all hosts. */
async function putFile(
  sftp: SFTPWrapper,
  node: LocalTree,
  remote: string,
  reads: SharedReads,
): Promise<void> {
  const handle = await call<Buffer>(
    (cb) => sftp.open(remote, 'w', { mode: node.mode }, cb),
    `open ${remote}`,
  );
  const reader = reads.join(node.path);
  let next = 0;
  let failed = false;
  const writer = async (): Promise<void> => {
    while (next < node.size && !failed) {
      const at = next;
      const length = Math.min(FAST.chunkSize, node.size - at);
      next += length;
      const bytes = await reader.read(at, length);
      if (bytes.length !== length) {
        throw new TransferError(`${node.path}: shorter than when the copy began`);
      }
      await call<void>((cb) => sftp.write(handle, bytes, 0, length, at, cb), `write ${remote}`);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: FAST.concurrency }, () =>
        writer().catch((err: unknown) => {
          failed = true;
          throw err;
        }),
      ),
    );
  } finally {
    await reader.leave();
  }
  await call<void>((cb) => sftp.close(handle, cb), `close ${remote}`);
}
