// Start one host's sshd inside its namespaces, then wait until it is really serving.
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import { starterArgv } from './host-files.js';
import { hostDir, sshdConfigPath, sshdPidPath, type StateHost } from './state.js';
import { cmdlineIncludes } from '../processes.js';
import { run } from '../run.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function logTail(dir: string, h: StateHost): Promise<string> {
  const log = await readFile(join(hostDir(dir, h.name), 'sshd.log'), 'utf8').catch(() => '');
  return log.trim().split('\n').slice(-5).join('\n');
}

/** Start the host's sshd inside its namespaces (see starterScript). */
export async function startHost(dir: string, h: StateHost): Promise<void> {
  const r = await run(starterArgv(dir, h));
  if (r.code !== 0) {
    const detail = [r.stderr.trim(), await logTail(dir, h)].filter(Boolean).join('\n');
    throw new LabError(
      `${h.name}: starting sshd failed (exit ${r.code})${detail ? `:\n${detail}` : ''}`,
    );
  }
}

/** Does something accept TCP on address:port (from the root namespace, over the bridge)? */
export function acceptsTcp(address: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Read the sshd's pid file: the pid, if that process runs our host's config. */
async function readSshdPid(dir: string, h: StateHost): Promise<number | undefined> {
  const text = await readFile(sshdPidPath(dir, h.name), 'utf8').catch(() => '');
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 1) {
    return undefined;
  }
  return (await cmdlineIncludes(pid, sshdConfigPath(dir, h.name))) ? pid : undefined;
}

/** Wait until the sshd has written its pid file and accepts TCP on port 22; returns its pid. */
export async function waitReady(dir: string, h: StateHost, deadline: number): Promise<number> {
  let delay = 5;
  while (Date.now() < deadline) {
    const pid = await readSshdPid(dir, h);
    if (pid !== undefined && (await acceptsTcp(h.address, 22))) {
      return pid;
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 50);
  }
  const tail = await logTail(dir, h);
  throw new LabError(
    `${h.name}: sshd not ready at ${h.address}:22 in time${tail ? `:\n${tail}` : ''}`,
  );
}
