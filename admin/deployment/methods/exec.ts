// exec, script, copy and gather: one command, a local script, or files, on every host of a
// target; one result per host, in node-set order.
import { UsageError } from '../../errors.js';
import type { FleetListener } from '../../fleet/events.js';
import { fanout, type FanoutOptions } from '../../fleet/fanout.js';
import { display, type Command } from '../../transport/command.js';
import { scriptCommand, type Script } from '../../transport/script.js';
import type { CommandResult } from '../../transport/types.js';
import { currentSignal } from '../cancel.js';
import { durationMs } from '../duration.js';
import { NodeSet, type Target } from '../node-set.js';
import { ExecResult } from '../results.js';
import { checkLength, explainSudo, maxOutputOf, toCommand, withSudo } from './command-checks.js';
import { checkTargets, planned, type Inner } from './inner.js';
import type { ExecOptions, TransferCallOptions } from './options.js';

export async function exec(
  inner: Inner,
  target: Target,
  command: string | Command,
  options: ExecOptions & Partial<Pick<FanoutOptions, 'window'>>,
): Promise<ExecResult> {
  const d = inner.dep;
  const c = withSudo(toCommand(command), options.sudo);
  checkLength(c);
  const hosts = d.nodes(target);
  if (!hosts.length) {
    throw new UsageError(`exec: ${String(target) || 'the target'} names no host`);
  }
  if (d.dryRun) {
    planned(
      d,
      `exec(${JSON.stringify(String(new NodeSet(hosts)))}, ${JSON.stringify(display(c))})`,
      [`on ${new NodeSet(hosts)} (${hosts.length}): ${display(c)}`],
      options,
    );
    return ExecResult.fromResults([], true);
  }
  const timeoutMs = options.timeoutMs ?? durationMs(options.timeout, 'timeout');
  const maxOutput = maxOutputOf(options.maxOutput) ?? d.inventory.ssh.maxOutput;
  await checkTargets(inner, hosts);
  const signal = currentSignal(options.signal);
  const onEvent: FleetListener | undefined = d.listenerFor('exec', options);
  // An explicit window holds every host (`-f 1` runs one host at a time); the services file's
  // ssh.concurrency only paces new connections.
  const run = async (): Promise<ExecResult> => {
    const results = await fanout(hosts, (h) => d.pool.get(h), c, {
      concurrency: options.concurrency ?? d.inventory.ssh.concurrency,
      window: options.window ?? (options.concurrency === undefined ? 'connecting' : 'all'),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
      ...(options.onOutput ? { onOutput: options.onOutput } : {}),
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.pty ? { pty: true } : {}),
      ...(maxOutput !== undefined ? { maxOutput } : {}),
    });
    return ExecResult.fromResults(options.sudo ? results.map(explainSudo) : results);
  };
  if (options.lock) {
    const what = typeof options.lock === 'string' ? options.lock : `exec ${display(c)}`;
    return d.locked(what, run, { signal });
  }
  return run();
}

export async function script(
  inner: Inner,
  target: Target,
  file: Script,
  args: readonly string[],
  options: ExecOptions & Partial<Pick<FanoutOptions, 'window'>>,
): Promise<ExecResult> {
  let c: Command;
  try {
    c = scriptCommand(file, args);
  } catch (err) {
    throw new UsageError(`script: ${(err as Error).message}`);
  }
  return inner.dep.exec(target, c, options);
}

export async function copy(
  inner: Inner,
  target: Target,
  sources: string | string[],
  dest: string,
  options: TransferCallOptions,
): Promise<ExecResult> {
  const { copyToHosts } = await import('../copy/index.js');
  const hosts = await transferHosts(inner, target, 'copy');
  const list = [sources].flat();
  return transfer(inner, options, (o) =>
    copyToHosts(hosts, (h) => inner.dep.pool.get(h), list, dest, o),
  );
}

export async function gather(
  inner: Inner,
  target: Target,
  remotes: string | string[],
  localDir: string,
  options: TransferCallOptions,
): Promise<ExecResult> {
  const { gatherFromHosts } = await import('../copy/index.js');
  const hosts = await transferHosts(inner, target, 'gather');
  const list = [remotes].flat();
  return transfer(inner, options, (o) =>
    gatherFromHosts(hosts, (h) => inner.dep.pool.get(h), list, localDir, o),
  );
}

async function transferHosts(inner: Inner, target: Target, what: string): Promise<string[]> {
  const hosts = inner.dep.nodes(target);
  if (!hosts.length) {
    throw new UsageError(`${what}: ${String(target) || 'the target'} names no host`);
  }
  await checkTargets(inner, hosts);
  return hosts;
}

async function transfer(
  inner: Inner,
  options: TransferCallOptions,
  run: (o: import('../copy/index.js').TransferOptions) => Promise<CommandResult[]>,
): Promise<ExecResult> {
  const d = inner.dep;
  const signal = currentSignal(options.signal);
  const onEvent = d.listenerFor('exec', options);
  const results = await run({
    concurrency: options.concurrency ?? d.inventory.ssh.concurrency,
    dryRun: options.dryRun ?? d.dryRun,
    ...(signal ? { signal } : {}),
    ...(options.via ? { via: options.via } : {}),
    ...(inner.options.onNote ? { onNote: inner.options.onNote } : {}),
    ...(onEvent ? { onResult: (result) => onEvent({ kind: 'host-result', result }) } : {}),
  });
  return ExecResult.fromResults(results);
}
