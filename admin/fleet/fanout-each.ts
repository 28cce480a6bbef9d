// Like fanout(), but each host gets its own command and stdin (files pushed to a host differ per
// host). Same contract: never throws for a host, one CommandResult per host, in the given order.
import pLimit from 'p-limit';
import { display, type Command } from '../transport/command.js';
import type { CommandResult } from '../transport/types.js';
import type { TransportSource } from './fanout.js';

export interface HostJob {
  command: Command;
  stdin?: string;
}

export interface FanoutEachOptions {
  concurrency: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export async function fanoutEach(
  hosts: readonly string[],
  transportFor: TransportSource,
  job: (host: string) => HostJob,
  options: FanoutEachOptions,
): Promise<CommandResult[]> {
  const limit = pLimit(Math.max(1, options.concurrency));
  return Promise.all(
    hosts.map((host) => limit(() => runOne(host, transportFor, job(host), options))),
  );
}

async function runOne(
  host: string,
  transportFor: TransportSource,
  job: HostJob,
  options: FanoutEachOptions,
): Promise<CommandResult> {
  const started = Date.now();
  const base = {
    host,
    command: display(job.command),
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
  };
  if (options.signal?.aborted) {
    return {
      ...base,
      ok: false,
      durationMs: 0,
      failure: { kind: 'aborted', message: 'not started: run was interrupted' },
    };
  }
  try {
    return await transportFor(host).run(job.command, {
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      stdin: job.stdin,
    });
  } catch (err) {
    // A transport must return failures as results; keep the host in the report if one throws.
    const message = err instanceof Error ? err.message : String(err);
    return {
      ...base,
      ok: false,
      durationMs: Date.now() - started,
      failure: { kind: 'unreachable', message },
    };
  }
}
