// Lab helpers for the services tests: HTTP from this machine into the lab, the real CLI, and
// variants of the lab's services file (same deployment, so the same units on the hosts).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import type { Lab } from '../../../admin/lab/index.js';

export async function get(url: string): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  return res.text();
}

/** Which hub ids answered `count` requests (each on a new connection, as fetch has no pool here). */
export async function hubIds(url: string, count: number): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let i = 0; i < count; i++) {
    ids.add((JSON.parse(await get(url)) as { id: string }).id);
  }
  return ids;
}

const SALVO = fileURLToPath(new URL('../../../../bin/salvo', import.meta.url));

export function runCli(
  servicesFile: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [SALVO, '-s', servicesFile, ...args],
      { timeout: 120_000 },
      (err, stdout, stderr) => {
        let code = 0;
        if (err) {
          code = typeof err.code === 'number' ? err.code : 1;
        }
        resolve({ code, stdout, stderr });
      },
    );
  });
}

export interface ServiceEntry {
  hosts?: string;
  command?: string[];
  start_timeout?: number;
  stop_timeout?: number;
  [key: string]: unknown;
}
export interface Doc {
  ports: Record<string, unknown>;
  services: Record<string, ServiceEntry | undefined>;
  tinc?: object;
  [key: string]: unknown;
}

/** DIR/services-NAME.yaml: the lab's file changed by `edit`. */
export async function variant(lab: Lab, name: string, edit: (doc: Doc) => void): Promise<string> {
  const doc = parse(await readFile(lab.servicesFile, 'utf8')) as Doc;
  edit(doc);
  const file = join(lab.dir, `services-${name}.yaml`);
  await writeFile(file, stringify(doc));
  return file;
}
