// status, diff, logs, waitUntilUp and the OpenSSH client files: reading the hosts, changing
// nothing on them.
import { currentSignal } from '../cancel.js';
import type { Deployment } from '../deployment.js';
import { durationMs } from '../duration.js';
import type { LogLine, LogsResult } from '../logs.js';
import { NodeSet, type Target } from '../node-set.js';
import { ExecResult, statusReport, type DiffReport, type StatusReport } from '../results.js';
import { waitForHosts, type WaitOptions } from '../wait.js';
import { planned, runner, type Inner } from './inner.js';
import type { CallOptions, HostsOption } from './options.js';

export async function status(
  d: Deployment,
  service: string,
  options: HostsOption & CallOptions,
): Promise<StatusReport> {
  const { selectUnits } = await import('../../services/index.js');
  const { probeUnits } = await import('../../services/observe.js');
  const hosts = options.hosts === undefined ? undefined : d.nodes(options.hosts);
  const units = selectUnits(d.inventory, service, hosts);
  if (d.dryRun) {
    planned(d, `status(${JSON.stringify(service)})`, [], options);
    return statusReport([]);
  }
  const signal = currentSignal(options.signal);
  const { leftBehind } = await import('../../rollout/journal/runs.js');
  return statusReport(
    await probeUnits(runner(d, options), d.inventory, units, signal ? { signal } : {}),
    leftBehind(d.inventory.dir),
  );
}

export async function diff(d: Deployment, options: HostsOption & CallOptions): Promise<DiffReport> {
  const { scanHosts } = await import('../../services/observe.js');
  const { computeDrift } = await import('../../services/drift.js');
  const hosts =
    options.hosts === undefined ? [...d.inventory.hosts.keys()] : d.nodes(options.hosts);
  if (d.dryRun) {
    planned(d, 'diff()', [], options);
    return { items: [], drifted: new NodeSet(), unreachable: new NodeSet() };
  }
  const signal = currentSignal(options.signal);
  const scans = await scanHosts(runner(d, options), d.inventory, hosts, signal ? { signal } : {});
  const items = computeDrift(d.inventory, scans);
  const unreachable = new NodeSet(items.flatMap((i) => (i.type === 'unknown' ? [i.host] : [])));
  const drifted = new NodeSet(
    items.flatMap((i) => (i.type === 'unknown' ? [] : ['unit' in i ? i.unit.host : i.host])),
  );
  return { items, drifted, unreachable };
}

export async function waitUntilUp(
  d: Deployment,
  target: Target,
  options: WaitOptions & CallOptions,
): Promise<ExecResult> {
  const hosts = d.nodeSet(target);
  if (d.dryRun) {
    planned(
      d,
      `waitUntilUp(${JSON.stringify(String(hosts))})`,
      [`wait until ${hosts} answer`],
      options,
    );
    return ExecResult.fromResults([], true);
  }
  return waitForHosts(d, hosts, { ...options, signal: currentSignal(options.signal) });
}

export async function sshClientFiles(
  inner: Inner,
  knownHostsPath: string,
  target: Target,
): Promise<{ config: string; knownHosts: string }> {
  const d = inner.dep;
  const { renderSshConfig, collectKnownHosts } = await import('../ssh-config.js');
  const targets = await Promise.all(d.nodes(target).map((h) => inner.resolveTarget(h)));
  return {
    config: renderSshConfig(d.name, targets, knownHostsPath),
    // Every file Salvo checks keys against (its own, then ssh_config's or ~/.ssh/known_hosts).
    knownHosts: await collectKnownHosts(
      [...new Set([...d.inventory.ssh.knownHosts, ...targets.flatMap((t) => t.knownHostsFiles)])],
      targets,
    ),
  };
}

export async function logs(
  d: Deployment,
  service: string,
  options: HostsOption & CallOptions & { lines?: number },
): Promise<LogsResult> {
  const { readLogs } = await import('../logs.js');
  const signal = currentSignal(options.signal);
  return readLogs(d, service, {
    ...(options.hosts !== undefined ? { hosts: d.nodes(options.hosts) } : {}),
    ...(options.lines !== undefined ? { lines: options.lines } : {}),
    ...(signal ? { signal } : {}),
  });
}

export async function followLogs(
  d: Deployment,
  service: string,
  onLines: (lines: LogLine[]) => void,
  options: HostsOption & CallOptions & { lines?: number; interval?: number | string },
): Promise<void> {
  const { followLogs: follow } = await import('../logs.js');
  const signal = currentSignal(options.signal);
  const intervalMs = durationMs(options.interval, 'interval');
  return follow(d, service, onLines, {
    ...(options.hosts !== undefined ? { hosts: d.nodes(options.hosts) } : {}),
    ...(options.lines !== undefined ? { lines: options.lines } : {}),
    ...(signal ? { signal } : {}),
    ...(intervalMs !== undefined ? { intervalMs } : {}),
  });
}
