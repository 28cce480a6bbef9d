// Build a loopback lab: N sshds on 127.0.0.1, one port and host key each, running as whoever
// runs this (root or not). No namespaces, bridge or mounts: the netns lab's degraded sibling.
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import { makeKeyPair, type KeyPair } from '../keys.js';
import { hostDir, MAX_HOSTS, normalizeDir } from '../netns/index.js';
import { loopbackDown } from './down.js';
import { loopbackKnownHosts, loopbackServicesYaml, loopbackSshConfig } from './files.js';
import { startLoopbackHost, freePorts } from './start.js';
import {
  authorizedKeysPath,
  homeDir,
  labModeOf,
  toLoopbackLab,
  writeLoopbackState,
  type LoopbackHost,
  type LoopbackState,
} from './state.js';
import { invokingUser } from './user.js';
import { mapLimit } from '../run.js';
import type { LabListener, LabOptions, LoopbackLab } from '../types.js';
import { writeFileAtomic } from '../../fs/index.js';
import { writeAdminKey } from '../write-files.js';
import { ensureSshdPrivsepDir } from '../sshd-privsep.js';

// Host names: the same rule as netns/up.ts.
const PREFIX = /^[a-z][a-z0-9-]{0,30}[a-z-]$|^[a-z]$/;
const START_CONCURRENCY = 16;

function validate(opts: LabOptions, prefix: string): void {
  if (!PREFIX.test(prefix)) {
    throw new LabError(
      `namePrefix ${JSON.stringify(prefix)}: lower-case letters, digits and '-', not ending in a digit`,
    );
  }
  if (!Number.isInteger(opts.hosts) || opts.hosts < 1 || opts.hosts > MAX_HOSTS) {
    throw new LabError(
      `loopbackUp: ${opts.hosts} hosts; give a whole number from 1 to ${MAX_HOSTS}`,
    );
  }
}

/** loopbackUp refuses a dir holding anything: loopbackDown removes the whole dir. */
async function assertFreshDir(dir: string): Promise<void> {
  if (await labModeOf(dir)) {
    throw new LabError(`a lab is already in ${dir}: run salvo lab down --dir ${dir} first`);
  }
  const entries = await readdir(dir).catch(() => []);
  if (entries.length > 0) {
    throw new LabError(
      `${dir} is not empty; the lab needs a new or empty directory (lab down removes it)`,
    );
  }
}

async function writeHostFiles(dir: string, h: LoopbackHost, hostKey: KeyPair): Promise<void> {
  await mkdir(homeDir(dir, h.name), { recursive: true, mode: 0o700 });
  await writeFileAtomic(join(hostDir(dir, h.name), 'ssh_host_ed25519_key'), hostKey.privateKey, {
    mode: 0o600,
  });
}

/** The client files, written once every port is final. */
async function writeClientFiles(state: LoopbackState): Promise<void> {
  await writeFileAtomic(join(state.dir, 'known_hosts'), loopbackKnownHosts(state.hosts), {
    mode: 0o644,
  });
  await writeFileAtomic(join(state.dir, 'ssh_config'), loopbackSshConfig(state), { mode: 0o644 });
  await writeFileAtomic(join(state.dir, 'services.yaml'), loopbackServicesYaml(state), {
    mode: 0o644,
  });
  await writeFileAtomic(
    join(state.dir, 'hosts.txt'),
    state.hosts.map((h) => `${h.name}\n`).join(''),
    { mode: 0o644 },
  );
}

async function startAll(state: LoopbackState, onEvent: LabListener): Promise<void> {
  onEvent({
    kind: 'step',
    message: `starting ${state.hosts.length} sshd on 127.0.0.1 as ${state.user}`,
  });
  const deadline = Date.now() + 15_000 + 50 * state.hosts.length;
  try {
    await mapLimit(state.hosts, START_CONCURRENCY, async (h) => {
      await startLoopbackHost(state.dir, state.user, h, deadline);
      onEvent({
        kind: 'host-up',
        host: h.name,
        address: `127.0.0.1:${h.port}`,
        sshdPid: h.sshdPid ?? 0,
      });
    });
  } finally {
    await writeLoopbackState(state); // the pids known so far, even when a host failed
  }
}

/** Build `opts.hosts` hosts; on failure, stop whatever was started, remove the dir, rethrow. */
export async function loopbackUp(
  opts: LabOptions,
  onEvent: LabListener = () => undefined,
): Promise<LoopbackLab> {
  const started = Date.now();
  const dir = normalizeDir(opts.dir);
  const prefix = opts.namePrefix ?? 'cloud';
  validate(opts, prefix);
  const user = await invokingUser();
  await assertFreshDir(dir);
  await ensureSshdPrivsepDir(); // the netns lab has one per host in its own /run

  const admin = makeKeyPair('salvo-lab-admin');
  const ports = await freePorts(opts.hosts);
  const keys = ports.map((_, i) => makeKeyPair(`${prefix}${i + 1}-hostkey`));
  const state: LoopbackState = {
    version: 1,
    mode: 'loopback',
    dir,
    namePrefix: prefix,
    user,
    adminKey: admin.publicKey,
    phase: 'building',
    hosts: ports.map((port, i) => ({
      name: `${prefix}${i + 1}`,
      n: i + 1,
      port,
      sshdPid: null,
      hostKey: keys[i]!.publicKey,
    })),
  };
  try {
    await mkdir(dir, { recursive: true });
    await writeLoopbackState(state); // before the first sshd: loopbackDown can always clean up
    await writeAdminKey(dir, admin);
    await writeFileAtomic(authorizedKeysPath(dir), `${admin.publicKey}\n`, { mode: 0o600 });
    onEvent({ kind: 'step', message: `writing files for ${state.hosts.length} hosts` });
    await Promise.all(state.hosts.map((h, i) => writeHostFiles(dir, h, keys[i]!)));
    await startAll(state, onEvent);
    await writeClientFiles(state);
  } catch (e) {
    onEvent({ kind: 'step', message: `bring-up failed, tearing down: ${(e as Error).message}` });
    await loopbackDown(dir).catch(() => undefined);
    throw e;
  }
  state.phase = 'up';
  await writeLoopbackState(state);
  onEvent({ kind: 'ready', hosts: state.hosts.length, durationMs: Date.now() - started });
  return toLoopbackLab(state);
}
