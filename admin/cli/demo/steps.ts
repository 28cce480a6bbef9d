// Each demo step runs the real CLI (main) and checks the exit code it expects, so the demo
// fails loudly when the product misbehaves instead of printing something plausible.
import { main } from '../main.js';
import { quote } from '../../transport/command.js';
import type { Lab } from '../../lab/index.js';

export interface DemoContext { lab: Lab; say: (text: string) => void; failures: number }
type Step = (ctx: DemoContext) => Promise<void>;

async function salvo(ctx: DemoContext, expectExit: number, why: string, ...args: string[]): Promise<void> {
  ctx.say(`\n== ${why}`);
  ctx.say(`$ salvo ${args.map(quote).join(' ')}`);
  const argv = ['node', 'salvo', '-s', ctx.lab.servicesFile, ...args];
  process.exitCode = undefined;
  const code = await main(argv);
  process.exitCode = undefined;
  ctx.say(`[exit ${code}]`);
  if (code !== expectExit) { ctx.failures++; ctx.say(`!! expected exit ${expectExit}`); }
}

const all = (ctx: DemoContext): string => `cloud[1-${ctx.lab.hosts.length}]`;

export const steps: Step[] = [
  (ctx) => salvo(ctx, 0, 'validate the services file the lab wrote', 'check'),
  (ctx) => salvo(ctx, 0, 'node sets: fold and expand (ClusterShell syntax)', 'nodeset', '-f', `${all(ctx)}!cloud2`),
  (ctx) => salvo(ctx, 0, 'same output on every host folds into one block', 'exec', all(ctx), '--', 'uname', '-s'),
  (ctx) => salvo(ctx, 0, 'different outputs are listed per host', 'exec', all(ctx), '--', 'hostname'),
  (ctx) => salvo(ctx, 1, 'a command that fails on one host: the summary names it and gives the retry set',
    'exec', all(ctx), '--', 'test "$(hostname)" != cloud3 || { echo "disk full" >&2; exit 3; }'),
  (ctx) => salvo(ctx, 1, 'a per-host deadline kills the remote process group',
    'exec', '--timeout', '1s', `cloud[1-2]`, '--', 'sleep 60'),
  (ctx) => salvo(ctx, 0, 'machine-readable results: one JSON object per host', 'exec', '--json', `cloud[1-2]`, '--', 'echo hi'),
];
