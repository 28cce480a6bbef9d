// The warm path, in this process: Deployment.open, one exec round to connect (and start each
// host's shell session), one untimed warm-up round, then timed rounds of
// exec('cloud[1-N]', shell('true')) on the open connections; then the same of `uptime` (a
// program: a process per host, where `true` is the shell's builtin), each answer checked.
import { Deployment } from '../../admin/deployment/deployment.js';
import { shell } from '../../admin/transport/command.js';
import type { CommandResult } from '../../admin/transport/types.js';
import { load1, ms3, since, type Run } from './measure.js';
import { nodeset } from './cold-tools.js';

export interface WarmOutcome {
  /** The fan-out window used. */
  window: number;
  /** The first round: connect + session start + `true`. */
  connectRound: Run;
  runs: Run[];
  /** Timed rounds of `uptime` on the same connections (after one untimed). */
  uptimeRuns: Run[];
  /** SSH connections made, summed over hosts; N means no reconnect during the rounds. */
  connects?: number;
  /** Commands carried by the warm shell session / by exec channels, summed over hosts. */
  sessionRuns?: number;
  execRuns?: number;
}

export interface WarmOptions {
  servicesFile: string;
  n: number;
  rounds: number;
  /** Fan-out window; undefined = the services file's ssh.concurrency (what a plain call gets). */
  concurrency?: number;
  signal: AbortSignal;
}

function check(results: CommandResult[], n: number, says?: RegExp): string | undefined {
  const ok = results.filter((r) => r.ok && (!says || says.test(r.stdout))).length;
  if (results.length === n && ok === n) {
    return undefined;
  }
  const bad = results.find((r) => !r.ok);
  return `${ok}/${n} ok${bad ? `: ${bad.host}: ${bad.failure?.kind} ${bad.failure?.message ?? ''}` : ''}`;
}

interface Counted {
  stats?: { connects: number; sessionRuns: number; execRuns: number };
}

export async function warmFanout(opts: WarmOptions): Promise<WarmOutcome> {
  const { n, signal } = opts;
  const expr = nodeset(n);
  const options = { signal, ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) };
  const dep = await Deployment.open(opts.servicesFile);
  try {
    const round = async (command = 'true', says?: RegExp): Promise<Run> => {
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      const results = await dep.exec(expr, shell(command), options);
      const wallS = since(t0);
      const cpu = process.cpuUsage(cpu0);
      const reason = check(results, n, says);
      return {
        wallS,
        ok: !reason,
        ...(reason ? { reason } : {}),
        clientCpuS: ms3((cpu.user + cpu.system) / 1e6),
        load1: load1(),
      };
    };
    const connectRound = await round();
    const runs: Run[] = [];
    const uptimeRuns: Run[] = [];
    if (connectRound.ok) {
      await round(); // warm-up: not counted
      for (let i = 0; i < opts.rounds && !signal.aborted; i++) {
        runs.push(await round());
      }
      const uptime = (): Promise<Run> => round('uptime', /load average/);
      await uptime();
      for (let i = 0; i < opts.rounds && !signal.aborted; i++) {
        uptimeRuns.push(await uptime());
      }
    }
    const counted = dep.nodes(expr).map((h) => (dep.pool.get(h) as Counted).stats);
    const sum = (k: 'connects' | 'sessionRuns' | 'execRuns'): number | undefined =>
      counted.every((s) => s) ? counted.reduce((t, s) => t + (s?.[k] ?? 0), 0) : undefined;
    return {
      window: opts.concurrency ?? dep.inventory.ssh.concurrency,
      connectRound,
      runs,
      uptimeRuns,
      connects: sum('connects'),
      sessionRuns: sum('sessionRuns'),
      execRuns: sum('execRuns'),
    };
  } finally {
    await dep.close();
  }
}
