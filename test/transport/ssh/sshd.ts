// A throwaway OpenSSH sshd on 127.0.0.1 for transport tests: its own host key, client key,
// authorized_keys, pid file and log in a temp dir. Stopped by pid, never by name.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { KnownHosts } from '../../../admin/transport/hostkeys/known-hosts/index.js';
import type { SshTarget } from '../../../admin/transport/types.js';
import { withPrivateRoot } from '../../../admin/lab/private-root.js';

const run = promisify(execFile);

export interface TestSshd {
  dir: string;
  /** The private /root of the sessions. */
  home: string;
  port: number;
  clientKey: string;
  knownHostsFile: string;
  hostKeyBlob: Buffer;
  logFile: string;
  target(overrides?: Partial<SshTarget>): SshTarget;
  knownHosts(): Promise<KnownHosts>;
  /** Successful logins so far (one per SSH connection). */
  logins(): Promise<number>;
  /** Kill sshd and every connection it serves, then start it again on the same port and key. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  extraConfig?: string[];
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-sshd-'));
  // Sessions get an empty private /root (a mount namespace, as the lab fleet does): the machine's
  // own rc files stay out of every test. This machine's /root/.bashrc runs `pyenv init`, whose
  // rehash takes a lock file; a login shell KILLed mid-rc (restart(), stop()) leaves that lock
  // behind and every later login on the machine then waits 60 s for it.
  const home = join(dir, 'home');
  mkdirSync(home, { mode: 0o700 });
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation dir
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'id_ed25519')]);
  const clientPub = await readFile(join(dir, 'id_ed25519.pub'), 'utf8');
  await writeFile(join(dir, 'authorized_keys'), clientPub);
  const hostKeyBlob = Buffer.from(
    (await readFile(join(dir, 'host_key.pub'), 'utf8')).split(' ')[1] ?? '',
    'base64',
  );
  const port = await freePort();
  const conf = join(dir, 'sshd_config');
  await writeFile(conf, `${sshdConfig(dir, port, options.extraConfig ?? []).join('\n')}\n`);
  const knownHostsFile = join(dir, 'known_hosts');
  await writeFile(
    knownHostsFile,
    `[127.0.0.1]:${port} ssh-ed25519 ${hostKeyBlob.toString('base64')}\n`,
  );
  const logFile = join(dir, 'sshd.log');
  let child = await launch(conf, logFile, port, home);

  const target = (o: Partial<SshTarget> = {}): SshTarget => ({
    name: 'testhost',
    hostname: '127.0.0.1',
    port,
    user: 'root',
    identityFiles: [join(dir, 'id_ed25519')],
    knownHostsFiles: [knownHostsFile],
    connectTimeoutMs: 5000,
    ...o,
  });
  return {
    dir,
    home,
    port,
    clientKey: join(dir, 'id_ed25519'),
    knownHostsFile,
    hostKeyBlob,
    logFile,
    target,
    knownHosts: () => KnownHosts.load([knownHostsFile]),
    logins: async () =>
      ((await readFile(logFile, 'utf8')).match(/Accepted publickey/g) ?? []).length,
    restart: async () => {
      await killTree(child);
      child = await launch(conf, logFile, port, home);
    },
    stop: async () => {
      await killTree(child);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function sshdConfig(dir: string, port: number, extra: string[]): string[] {
  return [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UseDNS no',
    'LogLevel VERBOSE',
    'MaxStartups 1000',
    'MaxSessions 10',
    ...extra,
  ];
}

async function launch(
  conf: string,
  logFile: string,
  port: number,
  home: string,
): Promise<ChildProcess> {
  const sshd = ['/usr/sbin/sshd', '-f', conf, '-D', '-E', logFile];
  // The pid we hold is sshd's own (withPrivateRoot execs through).
  const argv = withPrivateRoot(home, sshd);
  const child = spawn(argv[0] ?? '', argv.slice(1), { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) {
      throw new Error(`sshd exited (${child.exitCode}); see ${logFile}`);
    }
    if (await accepts(port)) {
      return child;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('sshd did not start listening');
}

/** Kill sshd and its descendants (connection handlers, sessions), each by pid. */
async function killTree(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) {
    return;
  }
  const pids = [child.pid, ...(await descendants(child.pid))];
  const exited = new Promise((r) => child.once('exit', r));
  // Parents first: a session's sshd dies before its shell, so a client sees its connection drop
  // (as when a host goes away), not a command killed by a signal that sshd could still report.
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await exited;
}

async function descendants(pid: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-e', '-o', 'pid=,ppid=']);
  const children = new Map<number, number[]>();
  for (const line of stdout.trim().split('\n')) {
    const [p, pp] = line.trim().split(/\s+/).map(Number);
    if (p === undefined || pp === undefined) {
      continue;
    }
    children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  const walk = (p: number): void => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Is a process whose command line contains `marker` still running on this machine (the "host")? */
export async function processAlive(marker: string): Promise<boolean> {
  try {
    await run('pgrep', ['-f', marker]);
    return true;
  } catch {
    return false;
  }
}
