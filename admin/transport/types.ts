// The contract between transports (ssh, local) and everything above them.
import type { Command } from './command.js';

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
  /** Bytes for the command's stdin; default: empty (never the transport's own stream). */
  stdin?: string | Buffer;
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
  connectTimeoutMs: number;
}
