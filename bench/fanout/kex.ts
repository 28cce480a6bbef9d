// Which key exchange each side really negotiates. OpenSSH: `ssh -v` says so. The salvo CLI:
// `salvo exec -v` says so (one line per host). The warm path in this process: we observe the
// 'handshake' event of every ssh2 Client.
import ssh2 from 'ssh2';
import type { NegotiatedAlgorithms } from 'ssh2';
import { timedSpawn } from './measure.js';

export interface Negotiated {
  kex: string;
  cipher: string;
  hostKey: string;
}

let installed = false;

/** Call `record` with the algorithms of every ssh2 connection this process makes from now on. */
export function observeHandshakes(record: (n: Negotiated) => void): void {
  if (installed) {
    throw new Error('observeHandshakes: already installed');
  }
  installed = true;
  const proto = ssh2.Client.prototype;
  const connect = proto.connect;
  proto.connect = function patched(this: ssh2.Client, config: ssh2.ConnectConfig): ssh2.Client {
    this.once('handshake', (n: NegotiatedAlgorithms) =>
      record({ kex: n.kex, cipher: n.cs.cipher, hostKey: n.serverHostKey }),
    );
    return connect.call(this, config);
  };
}

/** `cloud3: root@198.18.1.3:22: kex K, host key H, cipher C` lines of `salvo exec -v`. */
export function parseVerboseHandshakes(stderr: string): Negotiated[] {
  const found: Negotiated[] = [];
  for (const m of stderr.matchAll(/^\S+: \S+: kex (\S+), host key (\S+), cipher (\S+)$/gm)) {
    found.push({ kex: m[1]!, hostKey: m[2]!, cipher: m[3]! });
  }
  return found;
}

/** `kex X (k/N connections), cipher Y, host key Z`, or each distinct combination. */
export function describeNegotiated(list: readonly Negotiated[]): string {
  const counts = new Map<string, number>();
  for (const n of list) {
    const key = `kex ${n.kex}, cipher ${n.cipher}, host key ${n.hostKey}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  if (counts.size === 0) {
    return 'no handshake observed';
  }
  return [...counts].map(([k, c]) => `${k} (${c}/${list.length} connections)`).join('; ');
}

export const isCurve25519 = (kex: string): boolean =>
  kex === 'curve25519-sha256' || kex === 'curve25519-sha256@libssh.org';

/** What OpenSSH (and so pdsh, pssh, clush, the loop: all run `ssh -F DIR/ssh_config`) negotiates. */
export async function openSshNegotiated(
  sshConfig: string,
  host: string,
  cwd: string,
): Promise<Negotiated | undefined> {
  const r = await timedSpawn({
    argv: ['ssh', '-v', '-F', sshConfig, host, 'true'],
    cwd,
    timeoutMs: 30_000,
  });
  const kex = /kex: algorithm: (\S+)/.exec(r.stderr)?.[1];
  const cipher = /kex: client->server cipher: (\S+)/.exec(r.stderr)?.[1];
  const hostKey = /kex: host key algorithm: (\S+)/.exec(r.stderr)?.[1];
  if (r.code !== 0 || !kex) {
    return undefined;
  }
  return { kex, cipher: cipher ?? '?', hostKey: hostKey ?? '?' };
}
