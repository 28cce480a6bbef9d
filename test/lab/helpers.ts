// Shared helpers for the lab tests: temp dirs, OpenSSH calls, and a check that nothing is left.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Lab } from '../../admin/lab/index.js';

const execFileP = promisify(execFile);

/** Integration tests need root (namespaces); elsewhere they are skipped with this reason. */
export const NEEDS_ROOT: string | false = process.getuid?.() === 0 ? false : 'the lab needs root';

/** A fresh, empty lab dir under /tmp. */
export const tempLabDir = (): Promise<string> => mkdtemp('/tmp/salvo-lab-test-');

/** `ssh -F DIR/ssh_config HOST COMMAND` with the machine's OpenSSH client; returns trimmed stdout. */
export async function ssh(lab: Lab, host: string, command: string): Promise<string> {
  const { stdout } = await execFileP('ssh', ['-F', lab.sshConfigFile, host, command], {
    timeout: 20_000,
  });
  return stdout.trim();
}

const list = (path: string): Promise<string[]> => readdir(path).catch(() => []);

/** Everything of lab `id` still present on the machine: namespaces, links, /etc/netns entries. */
export async function traces(id: number): Promise<string[]> {
  const found: string[] = [];
  for (const ns of await list('/run/netns')) {
    if (ns.startsWith(`salvo${id}-`)) {
      found.push(`netns ${ns}`);
    }
  }
  for (const l of await list('/sys/class/net')) {
    if (l === `salvo${id}` || l.startsWith(`s${id}-v`)) {
      found.push(`link ${l}`);
    }
  }
  for (const e of await list('/etc/netns')) {
    if (e.startsWith(`salvo${id}-`)) {
      found.push(`/etc/netns/${e}`);
    }
  }
  return found;
}

/** The pids among `pids` that still run (a zombie nobody reaps counts as gone). */
export function running(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
    } catch {
      return false;
    }
  });
}
