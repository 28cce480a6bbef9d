// An OpenSSH client config for a deployment: the same hosts, addresses, ports, users, keys and
// jump hosts Salvo uses (services file merged with ~/.ssh/config), host keys checked strictly
// against a known_hosts made of Salvo's own files. For `salvo ssh`, `salvo tmux` and plain ssh.
import { readFile } from 'node:fs/promises';
import type { SshTarget } from '../transport/types.js';
import { KnownHosts } from '../transport/hostkeys/index.js';
import { hostPortString } from '../transport/ssh-config/index.js';

/** ssh_config quoting: a value with blanks or quotes goes in double quotes. */
function value(v: string | number): string {
  const s = String(v);
  return /[\s"#]/.test(s) ? `"${s.replace(/(["\\])/g, '\\$1')}"` : s;
}

/** One Host block per target; jump hosts get blocks of their own (`salvo-jump-N`). */
export function renderSshConfig(
  deployment: string,
  targets: SshTarget[],
  knownHostsPath: string,
): string {
  const jumps = new Map<string, string>(); // user@host:port → alias
  const blocks: string[] = [];
  const block = (alias: string, t: SshTarget): string => {
    const lines = [
      `Host ${alias}`,
      `  HostName ${value(t.hostname)}`,
      `  Port ${t.port}`,
      `  User ${value(t.user)}`,
      ...t.identityFiles.map((f) => `  IdentityFile ${value(f)}`),
      ...(t.identityFiles.length ? ['  IdentitiesOnly yes'] : []),
    ];
    if (t.proxyCommand !== undefined) {
      // Tokens are already expanded: a % left in the command is literal, so doubled for ssh.
      lines.push(`  ProxyCommand ${t.proxyCommand.replaceAll('%', '%%')}`);
    } else if (t.proxyJump) {
      lines.push(`  ProxyJump ${jumpAlias(t.proxyJump)}`);
    }
    if (t.hostKeyAlias !== undefined) {
      lines.push(`  HostKeyAlias ${value(t.hostKeyAlias)}`);
    }
    return lines.join('\n');
  };
  const jumpAlias = (j: SshTarget): string => {
    const key = `${j.user}@${j.hostname}:${j.port}`;
    let alias = jumps.get(key);
    if (!alias) {
      alias = `salvo-jump-${jumps.size + 1}`;
      jumps.set(key, alias);
      blocks.push(block(alias, j));
    }
    return alias;
  };
  const hostBlocks = targets.map((t) => block(t.name, t));
  return [
    `# OpenSSH client config for the deployment ${deployment}, written by salvo ssh-config.`,
    '# Use: ssh -F THIS_FILE HOST',
    ...hostBlocks,
    ...blocks,
    'Host *',
    `  UserKnownHostsFile ${value(knownHostsPath)}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  CheckHostIP no',
    '  ServerAliveInterval 15',
    '',
  ].join('\n\n');
}

/**
 * known_hosts for the config: Salvo's files, in order, and for a key recorded under a host's
 * inventory name only (Salvo accepts either), the same key under the address OpenSSH dials.
 */
export async function collectKnownHosts(files: string[], targets: SshTarget[]): Promise<string> {
  const known = await KnownHosts.load(files);
  const extra = targets.flatMap((t) => {
    const dialled = hostPortString(t.hostname, t.port);
    const byAddress = known.linesFor([t.hostname], t.port);
    return byAddress.length
      ? []
      : known
          .linesFor([t.name], t.port)
          .filter((k) => k.marker === null)
          .map((k) => `${dialled} ${k.type} ${k.blob.toString('base64')}\n`);
  });
  return (await concatenate(files)) + extra.join('');
}

async function concatenate(files: string[]): Promise<string> {
  const parts: string[] = [];
  for (const f of files) {
    try {
      const text = await readFile(f, 'utf8');
      parts.push(text.endsWith('\n') || text === '' ? text : `${text}\n`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw err;
      }
    }
  }
  return parts.join('');
}
