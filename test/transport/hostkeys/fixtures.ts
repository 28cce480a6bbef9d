// Real OpenSSH artefacts for the host-key tests: keys from ssh-keygen, a throwaway sshd on
// 127.0.0.1, and small helpers. Everything lives in a temp dir the test removes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export const SSHD = '/usr/sbin/sshd';

export async function tempDir(
  prefix: string,
): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `salvo-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Run a tool; stdout (stderr ignored). ssh-keygen -F exits 1 when nothing is found: '' then. */
export async function run(cmd: string, args: string[], okCodes: number[] = [0]): Promise<string> {
  try {
    return (await exec(cmd, args)).stdout;
  } catch (err) {
    const e = err as { code?: number; stdout?: string };
    if (typeof e.code === 'number' && okCodes.includes(e.code)) {
      return e.stdout ?? '';
    }
    throw err;
  }
}

export interface GeneratedKey {
  path: string; // private key
  pubLine: string; // `type base64 comment`
  type: string;
  blob: Buffer;
}

/** `ssh-keygen -t type` into dir/name (no passphrase). */
export async function generateKey(
  dir: string,
  name: string,
  type: string,
  bits?: number,
): Promise<GeneratedKey> {
  const path = join(dir, name);
  const args = ['-q', '-t', type, '-N', '', '-C', `${name}@test`, '-f', path];
  if (bits !== undefined) {
    args.push('-b', String(bits));
  }
  await run('ssh-keygen', args);
  const pubLine = (await readFile(`${path}.pub`, 'utf8')).trim();
  const [keyType, base64] = pubLine.split(' ');
  return { path, pubLine, type: keyType ?? '', blob: Buffer.from(base64 ?? '', 'base64') };
}

/** `ssh-keygen -lf file` → [{ fingerprint, label }] in file order. */
export async function keygenFingerprints(
  file: string,
): Promise<{ fingerprint: string; label: string }[]> {
  const out = await run('ssh-keygen', ['-l', '-E', 'sha256', '-f', file]);
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const m = /^\d+ (SHA256:\S+) .*\((\S+)\)$/.exec(line);
      if (m === null) {
        throw new Error(`unexpected ssh-keygen -l output: ${line}`);
      }
      return { fingerprint: m[1] ?? '', label: m[2] ?? '' };
    });
}

/** Line numbers `ssh-keygen -F host -f file` reports (`# Host x found: line N`). */
export async function keygenFindLines(file: string, host: string): Promise<number[]> {
  const out = await run('ssh-keygen', ['-F', host, '-f', file], [1]);
  return [...out.matchAll(/found: line (\d+)/g)].map((m) => Number(m[1]));
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') {
    throw new Error('no port');
  }
  return address.port;
}

export interface Sshd {
  port: number;
  pid: number;
  keys: Record<'ed25519' | 'ecdsa' | 'rsa', GeneratedKey>;
  stop: () => Promise<void>;
}

/** A private sshd on 127.0.0.1: own host keys, config and PidFile in `dir`, run with -D. */
export async function startSshd(dir: string): Promise<Sshd> {
  const keys = {
    ed25519: await generateKey(dir, 'host_ed25519', 'ed25519'),
    ecdsa: await generateKey(dir, 'host_ecdsa', 'ecdsa', 256),
    rsa: await generateKey(dir, 'host_rsa', 'rsa', 2048),
  };
  // As root, sshd insists on its privilege-separation directory.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) {
    await mkdir('/run/sshd', { mode: 0o755 });
  }
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const config = join(dir, 'sshd_config');
    await writeFile(
      config,
      sshdConfig(
        dir,
        port,
        Object.values(keys).map((k) => k.path),
      ),
    );
    try {
      const child = await spawnSshd(config);
      const pid = child.pid ?? 0;
      return { port, pid, keys, stop: () => stopChild(child) };
    } catch (err) {
      if (attempt >= 3) {
        throw err; // the port was taken between freePort and bind: try another
      }
    }
  }
}

function sshdConfig(dir: string, port: number, hostKeys: string[]): string {
  return [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    ...hostKeys.map((k) => `HostKey ${k}`),
    `PidFile ${join(dir, 'sshd.pid')}`,
    'UsePAM no',
    'StrictModes no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'LogLevel INFO',
    '',
  ].join('\n');
}

/** Start `sshd -D -e -f config` and wait until it says it listens. */
function spawnSshd(config: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let ready = false;
    const timer = setTimeout(() => fail(new Error(`sshd did not start:\n${log}`)), 10_000);
    const onExit = (code: number | null): void => fail(new Error(`sshd exited (${code}):\n${log}`));
    const fail = (err: Error): void => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      reject(err);
    };
    // Keep draining stderr after start-up (a full pipe would block sshd), but act only once.
    child.stderr?.on('data', (chunk: Buffer) => {
      if (ready) {
        return;
      }
      log += chunk.toString();
      if (!/Server listening on/.test(log)) {
        return;
      }
      ready = true;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve(child);
    });
    child.on('exit', onExit);
  });
}

/** Stop one child we started, by its own handle (never by name). */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
