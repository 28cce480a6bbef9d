// The contract between transports (ssh, local) and everything above them.
import type { Command } from './command.js';
import type { InputFeed } from './input-feed.js';

/** Why a host did not give a clean exit 0. `nonzero` means the command ran and failed. */
export type FailureKind =
  | 'unreachable'
  | 'auth'
  | 'hostkey'
  | 'timeout'
  | 'nonzero'
  | 'signal'
  | 'aborted';

/** One host's outcome; the same shape whether it worked or not. */
export interface CommandResult {
  host: string;
  command: string; // display form (secrets masked)
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  failure?: { kind: FailureKind; message: string };
  /** Bytes of output not kept: a flood keeps its first and last bytes (markers.ts). */
  dropped?: { stdout: number; stderr: number };
}

export interface RunOptions {
  /** Per-command deadline; on expiry the remote process group is killed. */
  timeoutMs?: number;
  /** Abort (Ctrl-C): the remote process group is killed and the result says `aborted`. */
  signal?: AbortSignal;
  /** Bytes for the command's stdin, or a feed streamed as it arrives; default: empty (never the
   * transport's own stream). */
  stdin?: string | Buffer | InputFeed;
  /**
   * The command's output as it arrives (streaming), in order per stream: stdout and stderr
   * chunks, never Salvo's own marker lines. The result still carries the output (up to
   * maxOutput). Back-pressure: while a returned promise is pending, this run's output is not
   * read (the SSH window closes, the remote writer blocks), so a slow reader costs no memory.
   */
  onOutput?: (stream: 'stdout' | 'stderr', chunk: Buffer) => void | Promise<void>;
  /** Run under a pseudo-terminal (`ssh -t`): `tty` names a device; stderr merges into stdout. */
  pty?: boolean;
  /**
   * Bytes of each stream the result keeps (default 8.25 MiB, at least 64 KiB): past it the
   * middle is dropped and counted in `dropped`. 0 keeps nothing (the result's stdout and stderr
   * are empty, nothing counts as dropped): for a caller that takes the output from `onOutput`.
   */
  maxOutput?: number;
}

/** How a command reaches ONE host. Knows nothing about services. */
export interface Transport {
  readonly host: string;
  run(command: Command, options?: RunOptions): Promise<CommandResult>;
  close(options?: CloseOptions): Promise<void>;
  /** True while the transport holds a live connection (a run would not have to connect). */
  readonly connected?: boolean;
}

export interface CloseOptions {
  /**
   * Wait until the server has closed the connection too (default true). A process about to exit
   * passes false: the disconnect is sent, and the kernel finishes the TCP close after the exit
   * (at 200 hosts, waiting took 0.35–0.4 s).
   */
  wait?: boolean;
}

/** Where and how to reach a host over SSH, after the services file and ~/.ssh/config are merged. */
export interface SshTarget {
  name: string; // inventory name, e.g. cloud3
  hostname: string; // address to dial
  port: number;
  user: string;
  identityFiles: string[];
  knownHostsFiles: string[];
  proxyJump?: SshTarget;
  /** ssh_config ProxyCommand, tokens expanded: run by `sh -c`, SSH over its stdin/stdout. */
  proxyCommand?: string;
  connectTimeoutMs: number;
  /** IdentitiesOnly yes: offer only identityFiles, never the agent's keys. */
  identitiesOnly?: boolean;
  /** HostKeyAlias: the name host keys are looked up under instead of the host's names. */
  hostKeyAlias?: string;
  /** ServerAliveInterval / ServerAliveCountMax (0: no keepalives). */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** ConnectionAttempts: tries in all, each within connectTimeoutMs (default 1, as ssh). */
  connectionAttempts?: number;
  /** AddressFamily inet / inet6. */
  addressFamily?: 'inet' | 'inet6';
  /** BindAddress: the local address to connect from. */
  bindAddress?: string;
  /** KexAlgorithms, Ciphers, MACs, HostKeyAlgorithms as ssh_config writes them (`+x`, `-x`, `^x`, list). */
  algorithms?: Partial<Record<'kex' | 'cipher' | 'hmac' | 'serverHostKey', string>>;
}
