// Gather: remote files and trees from every host into LOCALDIR/HOST/ (clush --rcopy, rpdcp), by
// rsync over the host's own connection when both ends have it, else over SFTP.
import { chmod, mkdir, utimes } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
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
  const via = options.via ?? 'auto';
  // Each remote path arrives under its last name (a trailing slash changes nothing, unlike
  // plain rsync); `/` has none, so it goes by SFTP (into HOST/root).
  const named = remotes.map((r) => r.replace(/\/+$/, ''));
  const byName = named.every((r) => r !== '');
  if (via === 'rsync' && !byName) {
    throw new UsageError('gather --via rsync: / has no name to gather it under; use --via sftp');
  }
  const local = via === 'sftp' || !byName || options.dryRun ? undefined : await localRsync();
  if (via === 'rsync' && local === undefined && !options.dryRun) {
    throw new UsageError('gather --via rsync: no rsync (3.0 or later) on this machine');
  }
  const bridge = local === undefined ? undefined : await RsyncBridge.open();
  try {
    return await eachHost(hosts, transportFor, what, options, async (host, transport, tally) => {
      const dir = join(localDir, host);
      if (transport === undefined) {
        tally.lines.push(`${remotes.join(' ')} → ${dir}/`);
        return;
      }
      await mkdir(dir, { recursive: true });
      if (bridge !== undefined) {
        const probe = await transport.run(
          cmd(new Raw('rsync --version >/dev/null 2>&1 && echo rsync; true')),
          options.signal ? { signal: options.signal } : {},
        );
        if (!probe.ok) {
          throw new ProbeFailed(probe);
        }
        if (probe.stdout.split('\n').includes('rsync')) {
          options.onNote?.(host, `gather via rsync: rsync ${local} here and on the host`);
          await rsyncGather(bridge, transport, named, dir, tally, options.signal);
          return;
        }
        if (via === 'rsync') {
          throw new TransferError(`no rsync on ${host} (--via rsync)`);
        }
        options.onNote?.(host, 'gather via sftp: no rsync on the host');
      } else {
        let why = '--via sftp';
        if (via !== 'sftp') {
          why = byName ? 'no rsync (3.0 or later) on this machine' : '/ is gathered by SFTP';
        }
        options.onNote?.(host, `gather via sftp: ${why}`);
      }
      tally.via = 'sftp';
      await withSftp(transport, options.signal, async (sftp) => {
        for (const remote of remotes) {
          await getTree(
            sftp,
            remote,
            join(dir, posix.basename(remote.replace(/\/+$/, '')) || 'root'),
            tally,
          );
        }
      });
    });
  } finally {
    await bridge?.close();
  }
}

async function rsyncGather(
  bridge: RsyncBridge,
  transport: SshTransport,
  remotes: string[],
  dir: string,
  tally: Tally,
  signal: AbortSignal | undefined,
): Promise<void> {
  tally.via = 'rsync';
  // --stats: the files and bytes of the host's side, for the host's line (as SFTP counts them).
  const run = await bridge.run(
    transport,
    [...RSYNC_FLAGS, '--stats', ...remotes.map((r) => RsyncBridge.remote(r)), `${resolve(dir)}/`],
    signal,
  );
  rsyncOk(run, signal);
  const number = (re: RegExp): number => Number(re.exec(run.stdout)?.[1]?.replace(/\D/g, '') ?? 0);
  tally.files += number(/^Number of files:.*\breg: ([\d,.]+)/m);
  tally.bytes += number(/^Total file size: ([\d,.]+)/m);
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
