// The global `-s FILE` flag as commands read it. Its own module, so that a command file can use it
// without importing commands/index.js (which loads every command).
import type { Command } from 'commander';
import type { Deployment, OpenOptions } from '../../deployment/deployment.js';
import { runtime } from '../startup/index.js';

/** The services-file path from the global flag (or SALVO_SERVICES). */
export function servicesPath(cmd: Command): string {
  return cmd.optsWithGlobals<{ services: string }>().services;
}

/** `-s FILE` to repeat in a printed hint, when the file is not the default. */
export function servicesFlag(cmd: Command): string[] {
  const file = servicesPath(cmd);
  return file === 'services.yaml' ? [] : ['-s', file];
}

/** The command's deployment; its services file goes through the inventory cache when the CLI
 * runs from its bundle (bin/salvo gives the build's identity) and caches are on. */
export async function openDeployment(cmd: Command, options: OpenOptions = {}): Promise<Deployment> {
  const { Deployment } = await import('../../deployment/deployment.js');
  const cache = runtime.codeId ? { inventoryCache: { codeId: runtime.codeId } } : {};
  return Deployment.open(servicesPath(cmd), { ...options, ...cache });
}
