// What every group of demo steps shares: the context, the types of a step and of the runner that
// drives the real CLI, and the services-file variants some groups write next to the lab's.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Lab } from '../../lab/index.js';

export interface DemoContext {
  lab: Lab;
  say: (text: string) => void;
  failures: number;
}

export type Step = (ctx: DemoContext) => Promise<void>;

/** Runs `salvo ARGS` through main() and counts a failure when the exit code is not the one expected. */
export type Salvo = (
  ctx: DemoContext,
  expectExit: number,
  why: string,
  ...args: string[]
) => Promise<void>;

/** The lab's services file with `extra` lines appended, written as services-NAME.yaml beside it. */
export async function labVariant(
  ctx: DemoContext,
  name: string,
  extra: string[],
  what: string,
): Promise<string> {
  const file = join(ctx.lab.dir, `services-${name}.yaml`);
  const text = await readFile(ctx.lab.servicesFile, 'utf8');
  await writeFile(file, [text.trimEnd(), ...extra, ''].join('\n'));
  ctx.say(`\n== (wrote ${file}: the lab's services file with ${what})`);
  return file;
}
