// One transport per host for the whole run (or REPL session): one SSH connection per host, and
// one shared connection per ProxyJump host however many targets hop through it.
import { LocalTransport } from './local-transport.js';
import { SshConnection, type ConnectionOptions } from './ssh/index.js';
import type { HostKeyPolicy } from './hostkeys/index.js';
import { SshTransport } from './ssh/index.js';
import type { CloseOptions, SshTarget, Transport } from './types.js';

export interface PoolOptions {
  /** Inventory name → where and how to reach it (services file merged with ~/.ssh/config). */
  resolveTarget: (name: string) => Promise<SshTarget>;
  hostKeyPolicy: HostKeyPolicy;
  /** The policy for a target's own known_hosts files (default: hostKeyPolicy for all). */
  hostKeyPolicyFor?: (target: SshTarget) => Promise<HostKeyPolicy>;
  /** Command channels per connection; default 8, at most 8. */
  channelsPerConnection?: number;
  /** Use the warm shell session when a command has no stdin. Default true. */
  session?: boolean;
  /** Extra connect attempts after a transient failure. Default 2. */
  retries?: number;
  onNote?: (host: string, note: string) => void;
}

export const LOCALHOST = 'localhost';

export class TransportPool {
  private readonly transports = new Map<string, Transport>();
  private readonly jumps = new Map<string, Promise<SshConnection>>();

  constructor(private readonly options: PoolOptions) {}

  /** What every connection checks host keys against. */
  get hostKeyPolicy(): HostKeyPolicy {
    return this.options.hostKeyPolicy;
  }

  /** The host's transport; nothing connects until its first run. */
  get(name: string): Transport {
    let transport = this.transports.get(name);
    if (!transport) {
      transport = name === LOCALHOST ? new LocalTransport(name) : this.sshTransport(name);
      this.transports.set(name, transport);
    }
    return transport;
  }

  async closeAll(options: CloseOptions = {}): Promise<void> {
    const transports = [...this.transports.values()];
    this.transports.clear();
    await Promise.all(transports.map((t) => t.close(options)));
    const jumps = [...this.jumps.values()];
    this.jumps.clear();
    await Promise.all(
      jumps.map((j) =>
        j.then(
          (c) => c.close(options.wait ?? true),
          () => undefined,
        ),
      ),
    );
  }

  private sshTransport(name: string): SshTransport {
    const session = this.options.session ?? true;
    return new SshTransport(name, () => this.options.resolveTarget(name), {
      ...this.connectOptions(),
      session,
    });
  }

  private connectOptions(): ConnectionOptions {
    const { hostKeyPolicy, hostKeyPolicyFor, channelsPerConnection, retries, onNote } =
      this.options;
    return {
      hostKeyPolicy,
      ...(hostKeyPolicyFor ? { hostKeyPolicyFor } : {}),
      channelsPerConnection,
      retries,
      onNote,
      jump: (t) => this.jump(t),
    };
  }

  // Jump connections are shared: 200 hosts behind one bastion make one connection to it, each
  // hop a direct-tcpip channel (those do not count against the bastion's MaxSessions).
  private async jump(target: SshTarget): Promise<SshConnection> {
    const key = `${target.user}@${target.hostname}:${target.port}`;
    const existing = this.jumps.get(key);
    if (existing) {
      const conn = await existing.catch(() => undefined);
      if (conn?.alive) {
        return conn;
      }
      if (this.jumps.get(key) === existing) {
        this.jumps.delete(key);
      }
    }
    let opening = this.jumps.get(key);
    if (!opening) {
      opening = SshConnection.open(target, this.connectOptions());
      this.jumps.set(key, opening);
      opening.catch(() => {
        if (this.jumps.get(key) === opening) {
          this.jumps.delete(key);
        }
      });
    }
    return opening;
  }
}
