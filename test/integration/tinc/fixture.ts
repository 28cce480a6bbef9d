// Shared by the tinc integration tests: a services file with a tinc section for a lab (the lab's
// own has none), the CLI as a child process, and commands on hosts through `salvo exec --json`.
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Lab, LabHost } from '../../../admin/lab/index.js';

const BIN = resolve('bin/salvo');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Members get vpn 10.1.N.1; `outside` hosts are listed without one (reachable, not in the mesh). */
export async function meshServices(
  lab: Lab,
  members: readonly LabHost[],
  outside: readonly LabHost[] = [],
): Promise<string> {
  const file = join(lab.dir, 'services-tinc.yaml');
  await writeFile(
    file,
    [
      'deployment: lab',
      'ssh: { user: root, identity: ./id_ed25519, known_hosts: ./known_hosts, config: null }',
      'hosts:',
      ...members.map((h) => `  ${h.name}: { address: "${h.address}", vpn: "10.1.${h.n}.1" }`),
      ...outside.map((h) => `  ${h.name}: { address: "${h.address}" }`),
      'tinc: { netname: lab, connect_to: all }',
      '',
    ].join('\n'),
  );
  return file;
}

/** The real CLI in a child process (async: the test process keeps serving its own timers). */
export function salvo(services: string, ...args: string[]): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, '-s', services, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** One shell command on each host; stdout by host. Fails the test if a host did not answer. */
export async function onHosts(
  services: string,
  nodeset: string,
  command: string,
): Promise<Map<string, string>> {
  const r = await salvo(services, 'exec', '--json', nodeset, '--', command);
  const rows = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { host: string; stdout: string; failure: unknown });
  const unanswered = rows.filter(
    (x) => x.failure !== null && (x.failure as { kind: string }).kind !== 'nonzero',
  );
  if (unanswered.length) {
    throw new Error(`no answer from ${unanswered.map((x) => x.host).join(', ')}: ${r.stderr}`);
  }
  return new Map(rows.map((x) => [x.host, x.stdout.trim()]));
}

/** tincd's pid on each host, from its pid file ('' when none). */
export function tincPids(services: string, nodeset: string): Promise<Map<string, string>> {
  return onHosts(services, nodeset, 'cat /run/tinc.lab.pid 2>/dev/null || true');
}

export function json<T>(r: Run): T {
  return JSON.parse(r.stdout) as T;
}

export const nodes = (hosts: readonly LabHost[], from: number, to: number): LabHost[] =>
  hosts.filter((h) => h.n >= from && h.n <= to);
