// Every subcommand registers itself here; its action imports its implementation lazily so that
// `salvo nodeset` does not pay for loading ssh2.
import type { Command } from 'commander';
import { registerCheck } from './check.js';
import { registerNodeset } from './nodeset.js';
import { registerExec } from './exec.js';
import { registerHosts } from './hosts.js';
import { registerLab } from './lab.js';
import { registerDemo } from './demo.js';

export function registerCommands(program: Command): void {
  registerCheck(program);
  registerNodeset(program);
  registerExec(program);
  registerHosts(program);
  registerLab(program);
  registerDemo(program);
}

/** The services-file path from the global flag (or SALVO_SERVICES). */
export function servicesPath(cmd: Command): string {
  return cmd.optsWithGlobals<{ services: string }>().services;
}

/** `-s FILE` to repeat in a printed hint, when the file is not the default. */
export function servicesFlag(cmd: Command): string[] {
  const file = servicesPath(cmd);
  return file === 'services.yaml' ? [] : ['-s', file];
}
