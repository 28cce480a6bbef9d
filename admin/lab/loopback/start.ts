// Start one loopback host's sshd on a free 127.0.0.1 port and wait until it serves. `sshd -D`
// does not fork a daemon, so the pid we spawn is the sshd's own (and its pid file says so).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { LabError } from '../../errors.js';
import { acceptsTcp } from '../netns/index.js';
import { sshdConfigPath, sshdPidPath } from '../netns/index.js';
import { loopbackSshdConfig } from './files.js';
import { LOOPBACK_ADDRESS, sshdLogPath, type LoopbackHost } from './state.js';

const SSHD = '/usr/sbin/sshd';
/** A port probed free can be taken before sshd binds it: try another, this many times in all. */
const ATTEMPTS = 3;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function listenAnyPort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, LOOPBACK_ADDRESS, () => resolve(server));
  });
}

/** `count` free ports on 127.0.0.1, distinct: every probe socket stays open until all are chosen. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      servers.push(await listenAnyPort());
    }
    return servers.map((s) => (s.address() as AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

async function logTail(dir: string, h: LoopbackHost): Promise<string> {
  const log = await readFile(sshdLogPath(dir, h.name), 'utf8').catch(() => '');
  return log.trim().split('\n').slice(-5).join('\n');
}

interface Spawned {
  child: ChildProcess;
  /** Settles with the reason once the sshd exits (or could not be started). */
  gone: Promise<string>;
}

/** Detached (its own session): a Ctrl-C of `salvo lab up` does not reach the lab's sshds. */
function spawnSshd(dir: string, h: LoopbackHost): Spawned {
  const argv = ['-D', '-f', sshdConfigPath(dir, h.name), '-E', sshdLogPath(dir, h.name)];
  const child = spawn(SSHD, argv, { detached: true, stdio: 'ignore' });
  const gone = new Promise<string>((resolve) => {
    child.once('error', (e) =>
      resolve(`${SSHD}: ${e.message} (Debian: apt-get install openssh-server)`),
    );
    child.once('exit', (code, signal) => resolve(`sshd exited (${signal ?? code})`));
  });
  return { child, gone };
}

/** Ready: the pid file names our child and the port accepts TCP. Else why not. */
async function waitReady(
  dir: string,
  h: LoopbackHost,
  { child, gone }: Spawned,
  deadline: number,
): Promise<string | undefined> {
  let exited: string | undefined;
  void gone.then((why) => {
    exited = why;
  });
  for (let delay = 5; Date.now() < deadline; delay = Math.min(delay * 2, 50)) {
    if (exited) {
      return exited;
    }
    const pid = Number((await readFile(sshdPidPath(dir, h.name), 'utf8').catch(() => '')).trim());
    if (pid === child.pid && (await acceptsTcp(LOOPBACK_ADDRESS, h.port))) {
      return undefined;
    }
    await sleep(delay);
  }
  child.kill('SIGKILL'); // never ready: our own child, stopped by its pid
  return `sshd not ready on ${LOOPBACK_ADDRESS}:${h.port} in time`;
}

/**
 * Write the host's sshd_config, start its sshd and wait until it serves; sets h.sshdPid (and
 * h.port, when its first port was taken meanwhile).
 */
export async function startLoopbackHost(
  dir: string,
  user: string,
  h: LoopbackHost,
  deadline: number,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await writeFile(sshdConfigPath(dir, h.name), loopbackSshdConfig(dir, user, h));
    await writeFile(sshdLogPath(dir, h.name), ''); // this attempt's log only
    const spawned = spawnSshd(dir, h);
    const { child } = spawned;
    const failure = await waitReady(dir, h, spawned, deadline);
    if (failure === undefined && child.pid !== undefined) {
      child.unref(); // the lab outlives `salvo lab up`
      h.sshdPid = child.pid;
      return;
    }
    const tail = await logTail(dir, h);
    if (attempt < ATTEMPTS && /Address already in use/.test(tail)) {
      h.port = (await freePorts(1))[0] ?? h.port;
      continue;
    }
    throw new LabError(`${h.name}: ${failure ?? 'sshd did not start'}${tail ? `:\n${tail}` : ''}`);
  }
}
