// Run one command on many hosts through a sliding window. Never throws for a host's failure:
// every host yields a CommandResult of the same shape, in the order the hosts were given.
import pLimit from 'p-limit';
import { display, type Command } from '../transport/command.js';
import type { CommandResult, Transport } from '../transport/types.js';
import type { FleetListener } from './events.js';

export interface FanoutOptions {
  /** Hosts in flight at once (the sliding window). */
  concurrency: number;
  /** Per-host deadline; the transport kills the remote process group when it passes. */
  timeoutMs?: number;
  /** Ctrl-C: running hosts are killed remotely, hosts not yet started are reported `aborted`. */
  signal?: AbortSignal;
  onEvent?: FleetListener;
}

export type TransportSource = (host: string) => Transport;

export async function fanout(
  hosts: string[], transportFor: TransportSource, command: Command, options: FanoutOptions,
): Promise<CommandResult[]> {
  const { concurrency, signal, onEvent } = options;
  const started = Date.now();
  const shown = display(command);
  onEvent?.({ kind: 'fanout-start', command: shown, hosts, concurrency });
  const limit = pLimit(Math.max(1, concurrency));
  const results = await Promise.all(hosts.map((host) => limit(async () => {
    const result = signal?.aborted
      ? notStarted(host, shown)
      : await runOne(host, transportFor, command, options);
    onEvent?.({ kind: 'host-result', result });
    return result;
  })));
  onEvent?.({ kind: 'fanout-end', results, durationMs: Date.now() - started, aborted: signal?.aborted ?? false });
  return results;
}

async function runOne(
  host: string, transportFor: TransportSource, command: Command, options: FanoutOptions,
): Promise<CommandResult> {
  options.onEvent?.({ kind: 'host-start', host });
  const started = Date.now();
  try {
    return await transportFor(host).run(command, { timeoutMs: options.timeoutMs, signal: options.signal });
  } catch (err) {
    // A transport must return failures as results; if one throws anyway, keep the host in the
    // report instead of losing it (no silently ignored host).
    return failed(host, display(command), Date.now() - started, err);
  }
}

function notStarted(host: string, command: string): CommandResult {
  return {
    host, command, ok: false, exitCode: null, signal: null, stdout: '', stderr: '', durationMs: 0,
    failure: { kind: 'aborted', message: 'not started: run was interrupted' },
  };
}

function failed(host: string, command: string, durationMs: number, err: unknown): CommandResult {
  const message = err instanceof Error ? err.message : String(err);
  return {
    host, command, ok: false, exitCode: null, signal: null, stdout: '', stderr: '', durationMs,
    failure: { kind: 'unreachable', message },
  };
}
