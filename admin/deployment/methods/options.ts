// The options of the Deployment's calls (deployment.ts re-exports them: they are its API).
import type { InventoryCacheOptions } from '../../inventory/inventory-cache.js';
import type { KindLookup } from '../../rollout/types.js';
import type { InputFeed } from '../../transport/input-feed.js';
import type { DeploymentListener } from '../events.js';
import type { Target } from '../node-set.js';

export interface OpenOptions {
  /**
   * Keep a shell session open on each host for later commands (default true). A process that runs
   * one command per host and exits (`salvo exec`) passes false: each command then goes over its
   * own exec channel, one round trip and one remote shell fewer than starting a session first.
   */
  session?: boolean;
  /** Things worth knowing that are not failures: skipped identity files, agent trouble, and
   * (only when given) what each connection negotiated. `salvo exec -v` prints them. */
  onNote?: (host: string, note: string) => void;
  /** Reuse the services file's parsed result from an earlier run (inventory-cache.ts). */
  inventoryCache?: InventoryCacheOptions;
  /** Plan only: calls that would change or read hosts report what they would do (a `planned`
   * event) and return empty or planned results; no host is contacted. `salvo run --dry-run`. */
  dryRun?: boolean;
  /** Told every event of every call (more listeners: `onEvent()`). */
  onEvent?: DeploymentListener;
  /** The service kinds (tests pass their own); default: admin/services/. */
  kinds?: KindLookup;
  /** Log in as this user on every host (`salvo exec -l USER`): wins over the services file and
   * ssh_config, as `ssh -l` does (jump hosts keep their own). */
  user?: string;
}

/** What every call accepts. */
export interface CallOptions {
  /** Cancels the call: remote commands are killed. Default: the ambient one (`withCancel`). */
  signal?: AbortSignal;
  /** Told this call's events (besides the deployment's listeners). */
  onEvent?: DeploymentListener;
}

export interface ExecOptions extends CallOptions {
  /** Per-host deadline: ms, or `'30s'`, `'2m'`; the remote process group is killed when it passes. */
  timeout?: number | string;
  /** The same, in ms (what the layers below pass). */
  timeoutMs?: number;
  /** Hosts in flight at once (default: ssh.concurrency of the services file). */
  concurrency?: number;
  /** Hold the operator lock while the command runs (a string says what for). */
  lock?: boolean | string;
  /**
   * Each host's output as it arrives (stdout and stderr apart, in order per host), e.g. to print
   * `tail -f` lines live. The results still carry the whole output.
   */
  onOutput?: (host: string, stream: 'stdout' | 'stderr', chunk: Buffer) => void | Promise<void>;
  /** The command's stdin on every host: bytes, or an InputFeed (e.g. `InputFeed.from(process.stdin)`)
   * streamed to every host as it arrives, as clush does. */
  stdin?: string | Buffer | InputFeed;
  /** A pseudo-terminal per host, as `ssh -t` (stderr then arrives merged into stdout). */
  pty?: boolean;
  /**
   * Output kept per host and stream: bytes, or `'8M'`, `'512K'` (default: the services file's
   * `ssh.max_output`, 8.25 MiB; at least 64 KiB). Past it the middle is dropped and counted in
   * each result's `dropped`. 0 keeps nothing: with `onOutput`, output is streamed, never held.
   */
  maxOutput?: number | string;
  /**
   * Run the command through `sudo -n` as root (`true`) or as this user. sudo never prompts: a host
   * where it would need a password fails with a message saying so.
   */
  sudo?: boolean | string;
}

export interface TransferCallOptions extends CallOptions {
  /** Hosts in flight at once (default: ssh.concurrency of the services file). */
  concurrency?: number;
  /** Say per host what would be copied (stdout); contact no host. */
  dryRun?: boolean;
  /** copy: rsync over the connection where both ends have it (`auto`, default), or only one way. */
  via?: import('../copy/index.js').CopyVia;
}

export interface RunOptions extends CallOptions {
  /** Return the plan; take no lock, write no journal, contact no host. */
  dryRun?: boolean;
  /** If another run holds the lock, wait this long (ms or `'10m'`; `true`: as long as it takes). */
  waitLock?: number | string | true;
}

/** exec for the layers below (Deployment.quietExec): a deadline and a signal, nothing else. */
export interface QuietOptions {
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface HostsOption {
  hosts?: Target;
}
