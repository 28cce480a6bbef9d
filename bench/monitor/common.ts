// What the monitor bench's two modes share: the lab's services file with a monitor section, and
// small statistics.
import { readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AliasLab } from '../../admin/lab/aliases/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SALVO = join(ROOT, 'bin/salvo');

export interface Options {
  hosts: number;
  runs: number;
  soakMs?: number;
  intervalMs: number;
  census: boolean;
  nodeFlags: string[];
  record: boolean;
}

export const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
export const load = (): number[] => loadavg().map((l) => Math.round(l * 100) / 100);

/**
 * The lab's services file with a monitor section: host resources on every host, never alarming.
 * A deployment name of its own: alias labs share this machine's /run/lock, where the monitors'
 * election lock lives (salvo-DEPLOYMENT.monitor.lock), and a second bench's monitor would stand
 * by instead of scanning.
 */
export async function monitorFile(lab: AliasLab): Promise<string> {
  const file = join(lab.dir, 'services-monitor.yaml');
  const services = (await readFile(lab.servicesFile, 'utf8')).replace(
    /^deployment: .*$/m,
    `deployment: monitor_bench_${lab.netns.replace(/\W/g, '_')}`,
  );
  await writeFile(
    file,
    `${services.trimEnd()}
monitor:
  liveness: []
  resources:
    load: { warning: 1000000, critical: 1000000 }
    memory: { warning: 100, critical: 100 }
    disk: { warning: 100, critical: 100 }
    inodes: { warning: 100, critical: 100 }
    clock: { warning: 1000, critical: 1000 }
  history: ${JSON.stringify(join(lab.dir, 'history.jsonl'))}
`,
  );
  return file;
}
