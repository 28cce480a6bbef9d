// Host-to-host keys for backups and restores: each node that pushes (or pulls, for a restore)
// gets its own ed25519 key pair (made on the node; the private key never leaves it), the host keys
// of its peers from the deployment's known_hosts, and its public key in the peers'
// authorized_keys with `restrict` (no shell pty, no forwarding of any kind). Idempotent.
import pLimit from 'p-limit';
import { AdminError } from '../errors.js';
import { cmd, Raw } from '../transport/command.js';
import { runOn, whyFailed, type BackupContext } from './context.js';
import { KEY_FILE, KNOWN_HOSTS_FILE } from './remote/source.js';

/**
 * from-host → the hosts it must be able to dial. Returns the hosts where it failed, with why
 * (a host that does not answer fails only the pairs it is part of).
 */
export async function ensureKeys(
  ctx: BackupContext,
  pairs: Map<string, string[]>,
): Promise<Map<string, string>> {
  const targets = [...new Set([...pairs.values()].flat())];
  ctx.onEvent?.({ kind: 'keys', sources: [...pairs.keys()], targets });
  const limit = pLimit(16);
  const pub = new Map<string, string>();
  const problems = new Map<string, string>();
  await Promise.all(
    [...pairs].map(([from, to]) =>
      limit(async () => {
        const { knownHosts } = await ctx.dep.sshClientFiles(KNOWN_HOSTS_FILE, to);
        const r = await runOn(
          ctx,
          from,
          cmd(
            new Raw('umask 077 && mkdir -p'),
            dirOf(KEY_FILE),
            new Raw('&& { [ -f'),
            KEY_FILE,
            new Raw('] || ssh-keygen -q -t ed25519 -N "" -C'),
            `salvo-backup@${from}`,
            '-f',
            KEY_FILE,
            new Raw('</dev/null >/dev/null; } && cat >'),
            `${KNOWN_HOSTS_FILE}.tmp`,
            new Raw('&& mv -f'),
            `${KNOWN_HOSTS_FILE}.tmp`,
            KNOWN_HOSTS_FILE,
            new Raw('&& cat'),
            `${KEY_FILE}.pub`,
          ),
          { stdin: knownHosts, timeoutMs: 30_000 },
        );
        const line = r.stdout.trim().split('\n').pop() ?? '';
        if (!r.ok || !/^ssh-ed25519 \S+/.test(line)) {
          problems.set(from, whyFailed(r));
          return;
        }
        pub.set(from, line);
      }),
    ),
  );
  const wanted = new Map<string, string[]>();
  for (const [from, to] of pairs) {
    const key = pub.get(from);
    for (const t of key ? to : []) {
      wanted.set(t, [...(wanted.get(t) ?? []), key!]);
    }
  }
  for (const [host, why] of await authorizeKeys(ctx, wanted)) {
    problems.set(host, why);
  }
  return problems;
}

/**
 * target → the public keys (`ssh-ed25519 …`) of the nodes that dial it, each added to its
 * authorized_keys with `restrict` unless there already. Returns the targets where it failed.
 */
export async function authorizeKeys(
  ctx: BackupContext,
  wanted: Map<string, string[]>,
): Promise<Map<string, string>> {
  const limit = pLimit(16);
  const problems = new Map<string, string>();
  await Promise.all(
    [...wanted].map(([target, lines]) =>
      limit(async () => {
        const r = await runOn(
          ctx,
          target,
          cmd(
            new Raw(
              'umask 077 && mkdir -p ~/.ssh && touch ~/.ssh/authorized_keys && while IFS= read -r l; do grep -qxF "$l" ~/.ssh/authorized_keys || printf "%s\\n" "$l" >> ~/.ssh/authorized_keys; done',
            ),
          ),
          { stdin: `${lines.map((k) => `restrict ${k}`).join('\n')}\n`, timeoutMs: 30_000 },
        );
        if (!r.ok) {
          problems.set(target, whyFailed(r));
        }
      }),
    ),
  );
  return problems;
}

/** Throw if any host failed (for calls that need every pair: restore, cron install). */
export function requireKeys(problems: Map<string, string>): void {
  if (problems.size) {
    throw new KeySetupError([...problems].map(([h, why]) => `${h}: ${why}`));
  }
}

export class KeySetupError extends AdminError {
  override name = 'KeySetupError';
  constructor(readonly problems: string[]) {
    super(`backup keys could not be set up:\n  ${problems.join('\n  ')}`);
  }
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}
