// waitUntilUp: poll the hosts that have not answered yet until all answer or time runs out,
// reporting who is still awaited and for how long. The old tool's `storm.wait_until_up()` after
// restarting VMs with `wait=False`.
import { pause } from '../rollout/gate.js';
import { shell } from '../transport/command.js';
import type { CommandResult } from '../transport/types.js';
import type { Deployment } from './deployment.js';
import { durationMs } from './duration.js';
import type { NodeSet } from './node-set.js';
import { ExecResult } from './results.js';

export interface WaitOptions {
  /** Give up after this long (ms or `'10m'`; default 10 minutes). */
  timeout?: number | string;
  /** Between rounds (ms or `'2s'`; default 2 s). */
  interval?: number | string;
  /** Also wait until this service's units on those hosts run (`'all'` for every service). */
  service?: string;
  signal?: AbortSignal | undefined;
}

const PROBE_MS = 10_000;

/** The last result of each host: ok for those that answered, the latest failure for the others. */
export async function waitForHosts(
  dep: Deployment,
  hosts: NodeSet,
  options: WaitOptions & { onEvent?: import('./events.js').DeploymentListener } = {},
): Promise<ExecResult> {
  const timeoutMs = durationMs(options.timeout, 'timeout') ?? 600_000;
  const intervalMs = durationMs(options.interval, 'interval') ?? 2000;
  const started = Date.now();
  const last = new Map<string, CommandResult>();
  const what = options.service ? `${options.service} running` : 'ssh answers';
  let waiting = hosts;
  for (;;) {
    const results = await dep.quietExec([...waiting], shell('true'), {
      timeoutMs: PROBE_MS,
      signal: options.signal,
    });
    for (const r of results) {
      last.set(r.host, r);
    }
    let answered = results.ok;
    if (options.service && !answered.empty) {
      const report = await dep.status(options.service, { hosts: answered, signal: options.signal });
      answered = answered.minus(report.failed).minus(report.unreachable);
    }
    waiting = waiting.minus(answered);
    const elapsedMs = Date.now() - started;
    const done = (): ExecResult =>
      ExecResult.fromResults(
        hosts.hosts.map((h) => stillWaiting(last.get(h)!, waiting.has(h), what, elapsedMs)),
      );
    if (waiting.empty) {
      dep.emit('wait', { kind: 'up', what, hosts, elapsedMs }, options);
      return done();
    }
    dep.emit(
      'wait',
      { kind: 'waiting', what, up: hosts.minus(waiting), waiting, elapsedMs },
      options,
    );
    if (options.signal?.aborted || elapsedMs + intervalMs > timeoutMs) {
      dep.emit('wait', { kind: 'gave-up', what, waiting, elapsedMs }, options);
      return done();
    }
    if (!(await pause(intervalMs, options.signal))) {
      dep.emit(
        'wait',
        { kind: 'gave-up', what, waiting, elapsedMs: Date.now() - started },
        options,
      );
      return done();
    }
  }
}

/** A host that answered ssh but whose service is not up yet reads as failed, not ok. */
function stillWaiting(
  r: CommandResult,
  waiting: boolean,
  what: string,
  elapsedMs: number,
): CommandResult {
  if (!waiting || !r.ok) {
    return r;
  }
  const message = `${what}: not yet after ${Math.round(elapsedMs / 1000)}s`;
  return { ...r, ok: false, failure: { kind: 'timeout', message } };
}
