// `salvo start|stop|restart|upgrade SERVICE|all` — rollouts: batches, health gates, failure
// budget, journal (resume with `salvo resume RUN`), operator lock. `--dry-run` prints the plan.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import type { Operation } from '../../../services/types.js';
import type { KindLookup } from '../../../rollout/types.js';
import { foldNodeSet } from '../../../inventory/nodeset.js';
import { renderPlan } from '../../render/rollout/rollout-plan.js';
import { requestFromFlags, type OpsFlags } from './ops-flags.js';
import { listener, runWithDeployment, type OutputFlags } from './rollout-action.js';
import { servicesFlag, openDeployment } from '../services-path.js';

type Flags = OpsFlags & OutputFlags & { dryRun?: boolean; full?: boolean; image?: string };

const WHAT: Record<Operation, string> = {
  start: 'start a service (or all, in services-file order) and wait until healthy',
  stop: 'stop a service (or all, in reverse services-file order)',
  restart:
    'restart a service in batches with health gates (default: one unit at a time); each unit keeps the version (vm: the base image) it runs',
  upgrade:
    'switch a service to another version, in batches with health gates (default: one at a time)',
};

const EXIT_HELP =
  '\nExit codes: 0 ok, 1 some unit failed (quarantined), 2 usage/config error, 3 some unit unreachable,\n' +
  '4 another run holds the deployment lock, 130 interrupted (Ctrl-C, lost lock) or 143 terminated (SIGTERM):\n' +
  'the journal says interrupted, `salvo resume RUN` continues.';

export function registerOps(program: Command, kinds?: KindLookup): void {
  for (const op of ['start', 'stop', 'restart', 'upgrade'] as const) {
    registerOp(program, op, kinds);
  }
}

function registerOp(program: Command, op: Operation, kinds?: KindLookup): void {
  const c = program
    .command(op)
    .description(WHAT[op])
    .argument('<service>', 'a service of the services file (hub, cassandra …), or `all`')
    .option('-H, --hosts <nodeset>', 'only the units on these hosts')
    .option('--serial', 'one unit at a time')
    .option('--parallel', 'every unit at once, as far as placement allows')
    .option('--batch <n|p%>', 'units per batch: a count, or a percentage of the units')
    .option('--rolling', 'one unit at a time with health gates (hub: drained in haproxy around it)')
    .option('--wait', 'health gate after each unit before the next batch (default)')
    .option('--no-wait', 'no health gates')
    .option('--budget <n|p%>', 'failed units tolerated before the rollout stops', '0')
    .option(
      '--ignore-placement',
      'batch units that share a physical host, rack or backend together',
    )
    .option(
      '--per-host <n>',
      'units of one physical host in a batch (default 1; vm start/stop: the per_host setting)',
    )
    .option('--no-drain', 'do not drain units in haproxy around a stop (drops requests)')
    .option('--dry-run', 'print the plan (batches, commands, gates) and change nothing')
    .option('--full', 'with --dry-run or --json: scripts in full')
    .option('--wait-lock [duration]', 'if another run holds the lock, wait (this long, e.g. 10m)')
    .option('--json', 'one JSON event per line on stdout (timestamped; scripts shortened)')
    .option(
      '-v, --verbose',
      'print each step as it starts, with its command (-vv: in full)',
      increase,
      0,
    );
  if (op === 'upgrade') {
    c.option('--version <v>', 'the version to run');
    c.option('--image <name>', 'vm: the base image the guests boot (instead of --version)');
  }
  c.addHelpText('after', EXIT_HELP).action(async (service: string, flags: Flags, cmd: Command) => {
    const request = requestFromFlags(op, service, imageAsVersion(service, flags));
    if (flags.dryRun) {
      return dryRun(cmd, request, flags, kinds);
    }
    const again = ['salvo', ...servicesFlag(cmd)];
    await runWithDeployment(
      cmd,
      kinds,
      { onEvent: await listener(flags, again), ...waitLock(flags.waitLock) },
      (dep, opts) => dep.rollout(request, opts),
    );
  });
}

/** Plan and print; no lock, no journal, nothing changed (a restart reads what versions run). */
async function dryRun(
  cmd: Command,
  request: ReturnType<typeof requestFromFlags>,
  flags: Flags,
  kinds?: KindLookup,
): Promise<void> {
  const dep = await openDeployment(cmd, kinds ? { kinds } : {});
  try {
    const { request: planned, plan: view } = await dep.planRequest(
      await dep.withRunningVersions(request),
    );
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify({ kind: 'plan', request: planned, plan: view, dryRun: true })}\n`,
      );
    } else {
      process.stdout.write(
        `${renderPlan(planned, view, flags.full)}dry run: nothing was changed (hosts: ${foldNodeSet(new Set(view.batches.flatMap((b) => b.units.map((u) => u.host))))})\n`,
      );
    }
  } finally {
    await dep.close();
  }
}

/** `-v` counts: `-vv` prints whole scripts. */
function increase(_value: string, previous: number): number {
  return previous + 1;
}

/** `--wait-lock` alone: as long as it takes; with a duration, that long. */
export function waitLock(value: string | true | undefined): { waitLock?: string | true } {
  return value === undefined ? {} : { waitLock: value };
}

/** `upgrade vm --image NEW` is the vm kind's upgrade to version NEW (the image it boots). */
function imageAsVersion(service: string, flags: Flags): Flags {
  if (flags.image === undefined) {
    return flags;
  }
  if (service !== 'vm') {
    throw new UsageError(`--image: only for vm (guests' base image); ${service} takes --version`);
  }
  if (flags.version !== undefined) {
    throw new UsageError('--image and --version: choose one (for vm they are the same)');
  }
  return { ...flags, version: flags.image };
}
