// Run one command on many hosts through a sliding window. Never throws for a host's failure:
// every host yields a CommandResult of the same shape, in the order the hosts were given.
import pLimit from 'p-limit';
import { display, type Command } from '../transport/command.js';
import type { InputFeed } from '../transport/input-feed.js';
import type { CommandResult, Transport } from '../transport/types.js';
import type { FleetListener } from './events.js';

export interface FanoutOptions {
  /** Hosts in flight at once (the sliding window). */
  concurrency: number;
  /**
   * 'all' (default): the window holds every host. 'connecting': only hosts whose transport has no
   * live connection wait for a place in it. The window is there to spare sshd (MaxStartups) and
   * the CPU a storm of handshakes; a command on an open connection costs little, and holding it
   * back made a warm 200-host round take four waves instead of one.
   */
  window?: 'all' | 'connecting';
  /** Per-host deadline; the transport kills the remote process group when it passes. */
  timeoutMs?: number;
  /** Ctrl-C: running hosts are killed remotely, hosts not yet started are reported `aborted`. */
  signal?: AbortSignal;
  onEvent?: FleetListener;
  /** Each host's output as it arrives (streaming), per host in order. */
  onOutput?: (host: string, stream: 'stdout' | 'stderr', chunk: Buffer) => void | Promise<void>;
  /** The same stdin for every host (read once by the caller, sent to each). */
  stdin?: string | Buffer | InputFeed;
  /** A pseudo-terminal per host (`ssh -t`). */
  pty?: boolean;
  /** Bytes of each stream a result keeps (RunOptions.maxOutput; 0: none). */
  maxOutput?: number;
}

export type TransportSource = (host: string) => Transport;

export async function fanout(
  hosts: string[],
  transportFor: TransportSource,
  command: Command,
  options: FanoutOptions,
): Promise<CommandResult[]> {
  const { concurrency, signal, onEvent } = options;
  const started = Date.now();
  const shown = display(command);
  onEvent?.({ kind: 'fanout-start', command: shown, hosts, concurrency });
  const limit = pLimit(Math.max(1, concurrency));
  const one = async (host: string): Promise<CommandResult> => {
    const result = signal?.aborted
      ? notStarted(host, shown)
      : await runOne(host, transportFor, command, options);
    onEvent?.({ kind: 'host-result', result });
    return result;
  };
  const bypass = (host: string): boolean =>
    options.window === 'connecting' && transportFor(host).connected === true;
  const results = await Promise.all(
    hosts.map((host) => (bypass(host) ? one(host) : limit(() => one(host)))),
  );
  onEvent?.({
    kind: 'fanout-end',
    results,
    durationMs: Date.now() - started,
    aborted: signal?.aborted ?? false,
  });
  return results;
}

async function runOne(
  host: string,
  transportFor: TransportSource,
  command: Command,
  options: FanoutOptions,
): Promise<CommandResult> {
  options.onEvent?.({ kind: 'host-start', host });
  const started = Date.now();
  try {
    const { onOutput } = options;
    return await transportFor(host).run(command, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.pty ? { pty: true } : {}),
      ...(options.maxOutput !== undefined ? { maxOutput: options.maxOutput } : {}),
      ...(onOutput ? { onOutput: (stream, chunk) => onOutput(host, stream, chunk) } : {}),
    });
  } catch (err) {
    // A transport must return failures as results; if one throws anyway, keep the host in the
    // report instead of losing it (no silently ignored host).
    return failed(host, display(command), Date.now() - started, err);
  }
}

function notStarted(host: string, command: string): CommandResult {
  return {
    host,
    command,
    ok: false,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs: 0,
    failure: { kind: 'aborted', message: 'not started: run was interrupted' },
  };
}

function failed(host: string, command: string, durationMs: number, err: unknown): CommandResult {
  const message = err instanceof Error ? err.message : String(err);
  return {
    host,
    command,
    ok: false,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs,
    failure: { kind: 'unreachable', message },
  };
}
