// A lab of many SSH endpoints at little cost, for scale (1,000 hosts): one network namespace whose
// loopback holds 127.0.0.0/8, one sshd listening there, and host i reached at its own address
// 127.0.B.C. sshd tells each session its host through `Match LocalAddress` → SetEnv
// SALVO_LAB_HOST, so every answer can be checked. The hosts share one host key, one filesystem, one
// sshd and one home (DIR/root, not the machine's /root): it measures the client side (connections,
// fan-out, memory), not per-host state. The admin side (salvo, pdsh…) runs inside the namespace
// too: `ip netns exec NS …` (aliasLab.exec).
// Cost: one sshd plus one forked sshd per open connection (about 5 MiB each), no veth or bridge.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import { writeFileAtomic } from '../../fs/index.js';
import { keyBody, makeKeyPair } from '../keys.js';
import { sshDefaults } from '../client-files.js';
import { writeAdminKey } from '../write-files.js';
import { withPrivateRoot } from '../private-root.js';
import { ensureSshdPrivsepDir } from '../sshd-privsep.js';

/** 250 addresses per 127.0.B.0/24 block. */
const PER_BLOCK = 250;
export const MAX_ALIAS_HOSTS = PER_BLOCK * 250;

export interface AliasLab {
  dir: string;
  netns: string;
  hosts: { name: string; address: string }[];
  sshdPid: number;
  servicesFile: string;
  sshConfigFile: string;
  knownHostsFile: string;
  /** A file listing every host's address, one per line (`pdsh -w ^FILE`). */
  addressesFile: string;
}

export interface AliasLabOptions {
  hosts: number;
  dir: string;
  namePrefix?: string;
}

/** Host i (from 1) listens at 127.0.B.C: B = 1 + ⌊(i−1)/250⌋, C = 1 + (i−1) mod 250. */
export function aliasAddress(i: number): string {
  return `127.0.${1 + Math.floor((i - 1) / PER_BLOCK)}.${1 + ((i - 1) % PER_BLOCK)}`;
}

function sshdConfig(lab: Omit<AliasLab, 'sshdPid'>): string {
  return [
    `# salvo alias lab: ${lab.hosts.length} hosts on one sshd in netns ${lab.netns}`,
    'ListenAddress 0.0.0.0:22',
    'AddressFamily inet',
    `HostKey ${join(lab.dir, 'ssh_host_ed25519_key')}`,
    `PidFile ${join(lab.dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(lab.dir, 'authorized_keys')}`,
    'AllowUsers root',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'UseDNS no',
    // Every host connects at once: sshd must not start refusing unauthenticated connections.
    `MaxStartups ${lab.hosts.length + 100}`,
    'MaxSessions 10',
    'LoginGraceTime 60',
    'PrintMotd no',
    'PrintLastLog no',
    'LogLevel ERROR',
    ...lab.hosts.map((h) => `Match LocalAddress ${h.address}\n  SetEnv SALVO_LAB_HOST=${h.name}`),
    '',
  ].join('\n');
}

function servicesYaml(lab: Omit<AliasLab, 'sshdPid'>, prefix: string): string {
  return [
    `# An alias lab: ${lab.hosts.length} SSH endpoints on one sshd (salvo's admin/lab/aliases).`,
    'deployment: lab',
    'ssh:',
    '  user: root',
    '  identity: ./id_ed25519',
    '  known_hosts: ./known_hosts',
    '  config: null',
    '  concurrency: 64',
    'hosts:',
    ...lab.hosts.map((h) => `  ${h.name}: { address: ${h.address} }`),
    'groups:',
    `  all: "${prefix}[1-${lab.hosts.length}]"`,
    '',
  ].join('\n');
}

const ip = (...args: string[]): void => {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
};

/** Build the namespace, files and sshd; wait until it accepts connections. Needs root. */
export async function aliasLabUp(o: AliasLabOptions): Promise<AliasLab> {
  if (!Number.isInteger(o.hosts) || o.hosts < 1 || o.hosts > MAX_ALIAS_HOSTS) {
    throw new LabError(
      `alias lab: ${o.hosts} hosts; give a whole number from 1 to ${MAX_ALIAS_HOSTS}`,
    );
  }
  const prefix = o.namePrefix ?? 'cloud';
  const netns = `salvoa-${randomBytes(3).toString('hex')}`;
  const hosts = Array.from({ length: o.hosts }, (_, k) => ({
    name: `${prefix}${k + 1}`,
    address: aliasAddress(k + 1),
  }));
  const base = {
    dir: o.dir,
    netns,
    hosts,
    servicesFile: join(o.dir, 'services.yaml'),
    sshConfigFile: join(o.dir, 'ssh_config'),
    knownHostsFile: join(o.dir, 'known_hosts'),
    addressesFile: join(o.dir, 'addresses'),
  };
  await mkdir(o.dir, { recursive: true, mode: 0o700 });
  const hostKey = makeKeyPair('salvo-alias-lab-host');
  const admin = makeKeyPair('salvo-alias-lab-admin');
  await writeFileAtomic(join(o.dir, 'ssh_host_ed25519_key'), hostKey.privateKey, { mode: 0o600 });
  await writeAdminKey(o.dir, admin);
  await writeFileAtomic(join(o.dir, 'authorized_keys'), `${admin.publicKey}\n`, { mode: 0o600 });
  const key = keyBody(hostKey.publicKey);
  await writeFileAtomic(base.knownHostsFile, hosts.map((h) => `${h.address} ${key}\n`).join(''));
  await writeFileAtomic(base.addressesFile, hosts.map((h) => `${h.address}\n`).join(''));
  await writeFileAtomic(base.sshConfigFile, sshDefaults(o.dir, 'root').join('\n'));
  await writeFileAtomic(base.servicesFile, servicesYaml(base, prefix));
  await writeFileAtomic(join(o.dir, 'sshd_config'), sshdConfig(base));
  await writeFile(join(o.dir, 'netns'), `${netns}\n`); // what aliasLabDown removes

  await ensureSshdPrivsepDir();
  ip('netns', 'add', netns);
  ip('-n', netns, 'link', 'set', 'lo', 'up');
  // The sessions get a home of their own (private-root.ts): with the machine's /root/.bashrc,
  // hundreds of sessions at once queued on its pyenv lock.
  const home = join(o.dir, 'root');
  await mkdir(home, { recursive: true, mode: 0o700 });
  await writeFile(join(home, '.profile'), '# salvo alias lab\n');
  const sshd = [
    '/usr/sbin/sshd',
    '-D',
    '-f',
    join(o.dir, 'sshd_config'),
    '-E',
    join(o.dir, 'sshd.log'),
  ];
  const child = spawn('ip', ['netns', 'exec', netns, ...withPrivateRoot(home, sshd)], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
  const deadline = Date.now() + 20_000;
  for (;;) {
    const pid = Number((await readFile(join(o.dir, 'sshd.pid'), 'utf8').catch(() => '')).trim());
    if (pid > 0) {
      return { ...base, sshdPid: pid };
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      const log = await readFile(join(o.dir, 'sshd.log'), 'utf8').catch(() => '');
      await aliasLabDown(o.dir);
      throw new LabError(`alias lab: sshd did not start in ${netns}\n${log.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** argv that runs `argv` inside the lab's namespace (where its addresses are). */
export function inAliasLab(lab: Pick<AliasLab, 'netns'>, argv: string[]): string[] {
  return ['ip', 'netns', 'exec', lab.netns, ...argv];
}

/** Stop the sshd (by its pid file) and every session in the namespace, remove it and the dir. */
export async function aliasLabDown(dir: string): Promise<void> {
  const netns = (await readFile(join(dir, 'netns'), 'utf8').catch(() => '')).trim();
  if (netns) {
    let pids: number[] = [];
    try {
      pids = execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map(Number);
    } catch {
      // the namespace is gone already
    }
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    }
    try {
      ip('netns', 'delete', netns);
    } catch {
      // gone already
    }
  }
  await rm(dir, { recursive: true, force: true });
}
