// The global `-s FILE` flag as commands read it. Its own module, so that a command file can use it
// without importing commands/index.js (which loads every command).
import type { Command } from 'commander';

/** The services-file path from the global flag (or SALVO_SERVICES). */
export function servicesPath(cmd: Command): string {
  return cmd.optsWithGlobals<{ services: string }>().services;
}

/** `-s FILE` to repeat in a printed hint, when the file is not the default. */
export function servicesFlag(cmd: Command): string[] {
  const file = servicesPath(cmd);
  return file === 'services.yaml' ? [] : ['-s', file];
}
