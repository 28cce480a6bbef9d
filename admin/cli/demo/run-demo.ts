// The demo is a script of real `salvo …` invocations against a fresh lab: what an operator would
// type, printed before it runs, with the real output after it.
import { formatSeconds } from '../render/duration.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoContext } from './context.js';
import { guestSteps, steps } from './steps.js';

export interface DemoOptions {
  hosts: number;
  keep: boolean;
  /** Also boot qemu guests (slow under TCG). */
  vms?: boolean;
}

export async function runDemo(opts: DemoOptions): Promise<number> {
  const { labUp, labDown, requireRoot } = await import('../../lab/index.js');
  requireRoot();
  const dir = await mkdtemp(join(tmpdir(), 'salvo-demo-'));
  const say = (text: string): void => {
    process.stdout.write(`${text}\n`);
  };
  say(`== building a lab fleet of ${opts.hosts} hosts in ${dir}`);
  const started = Date.now();
  const lab = await labUp({ hosts: opts.hosts, dir });
  say(
    `   ${lab.hosts.length} hosts up in ${formatSeconds(Date.now() - started, { space: true })} (each a network namespace with its own sshd)`,
  );
  const ctx: DemoContext = { lab, say, failures: 0 };
  try {
    for (const step of opts.vms ? [...steps, ...guestSteps] : steps) {
      await step(ctx);
    }
  } finally {
    if (opts.keep) {
      say(`\n== lab left running: salvo lab down --dir ${dir}`);
    } else {
      await labDown(dir);
      say('\n== lab torn down (processes killed by pid, namespaces and bridge removed)');
    }
  }
  say(
    ctx.failures
      ? `\ndemo: ${ctx.failures} step(s) did not behave as expected`
      : '\ndemo: all steps behaved as expected',
  );
  return ctx.failures ? 1 : 0;
}
