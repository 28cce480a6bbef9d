// Each demo step runs the real CLI (main) and checks the exit code it expects, so the demo
// fails loudly when the product misbehaves instead of printing something plausible.
import { readFile, writeFile } from 'node:fs/promises';
import { main } from '../main.js';
import { quote } from '../../transport/command.js';
import type { DemoContext, Step } from './context.js';
import { rolloutSteps } from './rollout-steps.js';
import { monitorSteps } from './monitor-steps.js';
import { tincSteps } from './tinc-steps.js';
import { backupSteps, cassandraBackupSteps } from './backup-steps.js';
import { cassandraSteps } from './cassandra-steps.js';
import { vmSteps } from './vm-steps.js';

async function salvo(
  ctx: DemoContext,
  expectExit: number,
  why: string,
  ...args: string[]
): Promise<void> {
  ctx.say(`\n== ${why}`);
  ctx.say(`$ salvo ${args.map(quote).join(' ')}`);
  const argv = ['node', 'salvo', '-s', ctx.lab.servicesFile, ...args];
  process.exitCode = undefined;
  const code = await main(argv);
  process.exitCode = undefined;
  ctx.say(`[exit ${code}]`);
  if (code !== expectExit) {
    ctx.failures++;
    ctx.say(`!! expected exit ${expectExit}`);
  }
}

const all = (ctx: DemoContext): string => `cloud[1-${ctx.lab.hosts.length}]`;

/** Forget one host's key, as if it were new to us: Salvo must refuse it until trusted. */
async function forgetHostKey(ctx: DemoContext, host: string): Promise<void> {
  const text = await readFile(ctx.lab.knownHostsFile, 'utf8');
  await writeFile(
    ctx.lab.knownHostsFile,
    text
      .split('\n')
      .filter((l) => !l.startsWith(`${host},`))
      .join('\n'),
  );
  ctx.say(`\n== (removed ${host} from ${ctx.lab.knownHostsFile})`);
}

/** Stop one host's sshd, as if the machine went down. */
function stopSshd(ctx: DemoContext, index: number): void {
  const host = ctx.lab.hosts[index]!;
  process.kill(host.sshdPid, 'SIGTERM');
  ctx.say(`\n== (stopped sshd on ${host.name}, pid ${host.sshdPid})`);
}

export const steps: Step[] = [
  (ctx) => salvo(ctx, 0, 'validate the services file the lab wrote', 'check'),
  (ctx) =>
    salvo(
      ctx,
      0,
      'node sets: fold and expand (ClusterShell syntax)',
      'nodeset',
      '-f',
      `${all(ctx)}!cloud2`,
    ),
  (ctx) =>
    salvo(
      ctx,
      0,
      'same output on every host folds into one block',
      'exec',
      all(ctx),
      '--',
      'uname',
      '-s',
    ),
  (ctx) =>
    salvo(ctx, 0, 'different outputs are listed per host', 'exec', all(ctx), '--', 'hostname'),
  (ctx) =>
    salvo(
      ctx,
      1,
      'a command that fails on one host: the summary names it and gives the retry set',
      'exec',
      all(ctx),
      '--',
      'test "$(hostname)" != cloud3 || { echo "disk full" >&2; exit 3; }',
    ),
  (ctx) =>
    salvo(
      ctx,
      1,
      'a per-host deadline kills the remote process group',
      'exec',
      '--timeout',
      '1s',
      `cloud[1-2]`,
      '--',
      'sleep 60',
    ),
  (ctx) =>
    salvo(
      ctx,
      0,
      'machine-readable results: one JSON object per host',
      'exec',
      '--json',
      `cloud[1-2]`,
      '--',
      'echo hi',
    ),
  async (ctx) => {
    await forgetHostKey(ctx, 'cloud2');
    await salvo(
      ctx,
      3,
      'an unknown host key is refused (never accept-any)',
      'exec',
      'cloud[1-2]',
      '--',
      'true',
    );
    await salvo(
      ctx,
      0,
      'trust it on purpose: the fingerprint is printed and recorded',
      'hosts',
      'trust',
      'cloud2',
    );
    await salvo(ctx, 0, 'now it answers', 'exec', 'cloud[1-2]', '--', 'true');
  },
  ...backupSteps(salvo),
  async (ctx) => {
    stopSshd(ctx, ctx.lab.hosts.length - 1);
    await salvo(
      ctx,
      3,
      'a host that is down is reported unreachable; the others still run',
      'exec',
      all(ctx),
      '--',
      'uptime -p || uptime',
    );
  },
  ...rolloutSteps(salvo),
  ...cassandraSteps(salvo),
  ...cassandraBackupSteps(salvo),
  ...monitorSteps(salvo),
  ...tincSteps(salvo),
];

/** `salvo demo --vms`: qemu guests, after every other step (they change the services file). */
export const guestSteps: Step[] = vmSteps(salvo);
