// `backup restore SERIES [SNAPSHOT] --to HOST:PATH`: the snapshot's tree (absolute paths under
// it, as backed up) copied to PATH on HOST with rsync, pulled by HOST from the target over the
// same kind of restricted key. A dry run by default: rsync -n -i lists what would change. The
// restore holds a shared flock on the snapshot's INFO, so a prune leaves it alone meanwhile.
import { UsageError, AdminError } from '../errors.js';
import { cmd, quote, Raw, type Command } from '../transport/command.js';
import { runOn, whyFailed, type BackupContext } from './context.js';
import { ensureKeys, requireKeys } from './keys.js';
import { KEY_FILE, KNOWN_HOSTS_FILE } from './remote/source.js';
import type { RestoreResult, Series } from './types.js';

export interface RestoreOptions {
  snapshot?: string;
  /** `HOST:PATH` */
  to: string;
  apply?: boolean;
  /** Restore from this target's copy (default: the first target of the series). */
  from?: string;
  /** Delete files under PATH that the snapshot does not have. */
  delete?: boolean;
}

export async function restoreSeries(
  ctx: BackupContext,
  copies: Series[],
  o: RestoreOptions,
): Promise<RestoreResult> {
  const s = o.from ? copies.find((c) => c.target.host === o.from) : copies[0];
  if (!s) {
    throw new UsageError(
      `--from ${o.from}: no copy there (copies on ${copies.map((c) => c.target.host).join(', ')})`,
    );
  }
  const m = /^([^:]+):(\/.*)$/.exec(o.to);
  if (!m || !ctx.dep.inventory.hosts.has(m[1]!)) {
    throw new UsageError(
      `--to ${o.to}: expected HOST:/absolute/path with a host of the services file`,
    );
  }
  const [, host, path] = m as unknown as [string, string, string];
  const named = await runOn(
    ctx,
    s.target.host,
    cmd(
      'sh',
      '-c',
      's=$2; [ -n "$s" ] || s=$(readlink "$1/latest"); [ -n "$s" ] && [ -f "$1/$s/INFO" ] && echo "$s"',
      'salvo-snap',
      s.dir,
      o.snapshot ?? '',
    ),
    { timeoutMs: 30_000 },
  );
  const snapshot = named.stdout.trim();
  if (!named.ok || !snapshot) {
    throw new AdminError(
      `${s.id}: ${o.snapshot ? `no snapshot ${o.snapshot}` : 'no snapshot yet'} on ${s.target.host}${named.failure && named.failure.kind !== 'nonzero' ? ` (${whyFailed(named)})` : ''}`,
    );
  }
  const snapDir = `${s.dir}/${snapshot}`;
  const flags = [
    '-aH',
    '--numeric-ids',
    '-i',
    '--mkpath',
    ...(o.apply ? [] : ['-n']),
    ...(o.delete ? ['--delete'] : []),
  ];
  if (host !== s.target.host) {
    requireKeys(await ensureKeys(ctx, new Map([[host, [s.target.host]]])));
  }
  // Each backed-up path p: the snapshot's tree/p/ onto PATH/p/ (its own mode, owner and times
  // included); PATH and the dirs above p are left as they are.
  const changes: string[] = [];
  // A cassandra series' tree is the snapshot's <ks>/<table>-<id>/ directories: all of it, to PATH.
  for (const p of s.cassandra ? [''] : s.paths) {
    const from = `${snapDir}/tree${p}/`;
    const to = `${path === '/' ? '' : path}${p}/`;
    const r = await runOn(ctx, host, restoreCommand(s, host, snapDir, flags, from, to));
    if (!r.ok) {
      throw new AdminError(`restore of ${s.id} ${snapshot} to ${o.to} failed: ${whyFailed(r)}`);
    }
    const base = p === '' || p.endsWith('/') ? p : `${p}/`;
    for (const line of r.stdout.split('\n')) {
      const m = /^(\S{11}) (.*)$/.exec(line);
      if (m) {
        changes.push(`${m[1]} ${m[2] === './' ? base || './' : base + m[2]}`);
      } else if (line.trim()) {
        changes.push(line.trim());
      }
    }
  }
  return {
    series: s.id,
    from: s.target.host,
    snapshot,
    to: o.to,
    applied: !!o.apply,
    changes,
  };
}

/** rsync on HOST: a local copy when HOST is the target itself, else a pull over the backup key. */
function restoreCommand(
  s: Series,
  host: string,
  snapDir: string,
  flags: string[],
  from: string,
  to: string,
): Command {
  if (host === s.target.host) {
    return cmd('flock', '-s', `${snapDir}/INFO`, 'rsync', ...flags, from, to);
  }
  const ssh = `ssh -i ${KEY_FILE} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${KNOWN_HOSTS_FILE} -p ${s.target.port} -l ${s.target.user}`;
  return cmd(
    'rsync',
    ...flags,
    '-e',
    ssh,
    `--rsync-path=flock -s ${quote(`${snapDir}/INFO`)} rsync`,
    `${s.target.address}:${from}`,
    to,
    new Raw('</dev/null'),
  );
}
