// `lab up N --vms K`: K qemu guests added to a running lab's services file, two per host from
// cloud1 on. Each carrier host gets a bridge br0 in its namespace holding its eth0 (the guests'
// taps join it, so guests sit on the lab bridge like the hosts), the image (built once from
// Debian packages, cached under /var/cache) linked into its private /srv. Nothing boots here:
// `salvo vm start` does.
import { mkdir, readFile, symlink, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../../errors.js';
import { LAB_VM_BRIDGE, LAB_VM_DIR } from '../client-files.js';
import { requireRoot } from '../require-root.js';
import { runOk } from '../run.js';
import type { Lab, LabListener } from '../types.js';
import {
  buildLabImage,
  LAB_IMAGE_CACHE,
  LAB_IMAGE_META,
  LAB_IMAGE_NAME,
} from '../vm-image/index.js';
import { writeSharedFiles } from '../write-files.js';
import {
  hostDir,
  normalizeDir,
  readState,
  toLab,
  writeState,
  type LabState,
  type StateHost,
} from './state.js';

export const MAX_LAB_VMS = 50;

/** Guest i (1-based) on host ceil(i/2), wrapping around a small lab; address .200+i. */
export function placeVms(state: LabState, count: number): NonNullable<LabState['vms']> {
  return Array.from({ length: count }, (_, k) => {
    const host = state.hosts[Math.floor(k / 2) % state.hosts.length]!;
    return { name: `vm${k + 1}`, host: host.name, address: `198.18.${state.id}.${200 + k + 1}` };
  });
}

/**
 * br0 in the host's namespace with eth0 in it and the host's address moved onto it. br0 gets
 * eth0's MAC for good: a bridge with no address of its own takes its ports' lowest, so a guest's
 * tap joining or leaving would change the host's MAC under its neighbours' ARP caches (the host
 * then unreachable for seconds).
 */
async function bridgeHost(h: StateHost): Promise<void> {
  const ns = `/run/netns/${h.netns}`;
  const script = `ip link show ${LAB_VM_BRIDGE} >/dev/null 2>&1 || { ${[
    // (ip, not /sys: nsenter --net leaves sysfs the root namespace's.)
    `mac=$(ip -br link show dev eth0 | awk '{ print $3 }')`,
    `ip link add ${LAB_VM_BRIDGE} address "$mac" type bridge`,
    `ip link set ${LAB_VM_BRIDGE} up`,
    `ip link set eth0 master ${LAB_VM_BRIDGE}`,
    `ip addr del ${h.address}/24 dev eth0`,
    `ip addr add ${h.address}/24 dev ${LAB_VM_BRIDGE}`,
  ].join(' && ')}; }`;
  await runOk(`${h.name}: bridge ${LAB_VM_BRIDGE}`, ['nsenter', `--net=${ns}`, 'sh', '-c', script]);
}

export async function labAddVms(
  dir: string,
  count: number,
  onEvent: LabListener = () => undefined,
): Promise<Lab> {
  requireRoot();
  const abs = normalizeDir(dir);
  const state = await readState(abs);
  if (state?.phase !== 'up') {
    throw new LabError(`no running lab in ${abs}`);
  }
  if (!Number.isInteger(count) || count < 1 || count > MAX_LAB_VMS) {
    throw new LabError(`--vms ${count}: give a whole number from 1 to ${MAX_LAB_VMS}`);
  }
  if ((state.vms ?? []).length > 0) {
    throw new LabError(`the lab in ${abs} has guests already`);
  }
  onEvent({ kind: 'step', message: `guest image (cached in ${LAB_IMAGE_CACHE})` });
  const cache = await buildLabImage();
  const vms = placeVms(state, count);
  const carriers = state.hosts.filter((h) => vms.some((v) => v.host === h.name));
  for (const h of carriers) {
    onEvent({
      kind: 'step',
      message: `${h.name}: bridge ${LAB_VM_BRIDGE}, image ${LAB_IMAGE_NAME}`,
    });
    await bridgeHost(h);
    // The host's /srv is DIR/HOST/srv (bind-mounted inside it).
    const images = join(hostDir(abs, h.name), 'srv', LAB_VM_DIR.replace(/^\/srv\//, ''), 'images');
    await mkdir(images, { recursive: true });
    await rm(join(images, LAB_IMAGE_NAME), { force: true });
    await symlink(cache, join(images, LAB_IMAGE_NAME));
  }
  await mkdir(join(abs, 'vm', 'images'), { recursive: true });
  await writeFile(join(abs, 'vm', 'images', `${LAB_IMAGE_NAME}.json`), LAB_IMAGE_META);
  state.vms = vms;
  await writeState(state);
  await writeSharedFiles(state);
  return toLab(state);
}

/**
 * libvirtd (and virtlogd) on each host that carries guests, for `driver: libvirt`: started inside
 * the host's own mount and network namespaces (those of its sshd), so its sockets are in the host's
 * private /run and its domains' taps on the host's br0. The lab's cgroups cannot be used by
 * libvirt ("Failed to create v1 controller cpu"), so the host sees a qemu.conf with
 * `cgroup_controllers = [ ]`, bind-mounted over /etc/libvirt/qemu.conf in its mount namespace only.
 * The first connection is waited for: libvirtd probes qemu's capabilities then (15–60 s here).
 * `lab down` kills them with everything else in the namespace.
 */
export async function labLibvirt(
  dir: string,
  onEvent: LabListener = () => undefined,
): Promise<void> {
  requireRoot();
  const abs = normalizeDir(dir);
  const state = await readState(abs);
  if (state?.phase !== 'up' || !(state.vms ?? []).length) {
    throw new LabError(`no running lab with guests in ${abs}`);
  }
  const carriers = state.hosts.filter((h) => state.vms!.some((v) => v.host === h.name));
  const conf = await readFile('/etc/libvirt/qemu.conf', 'utf8').catch(() => {
    throw new LabError('libvirt is not installed (apt-get install libvirt-daemon-system-sysv)');
  });
  for (const h of carriers) {
    onEvent({ kind: 'step', message: `${h.name}: libvirtd` });
    const own = join(hostDir(abs, h.name), 'srv', '.salvo-libvirt');
    await mkdir(own, { recursive: true });
    await writeFile(join(own, 'qemu.conf'), `${conf}\n# salvo lab\ncgroup_controllers = [ ]\n`);
    const script = [
      'mkdir -p /var/log/libvirt/qemu /run/libvirt',
      "grep -q ' /etc/libvirt/qemu.conf ' /proc/self/mountinfo || mount --bind /srv/.salvo-libvirt/qemu.conf /etc/libvirt/qemu.conf",
      '[ -S /run/libvirt/libvirt-sock ] || { virtlogd -d -p /run/salvo-virtlogd.pid && libvirtd -d -p /run/salvo-libvirtd.pid; }',
      'timeout 300 sh -c "until virsh -q -c qemu:///system version >/dev/null 2>&1; do sleep 0.5; done"',
    ].join(' && ');
    await runOk(`${h.name}: libvirtd`, [
      'nsenter',
      `--target=${h.sshdPid ?? 0}`,
      '--mount',
      '--net',
      'sh',
      '-c',
      script,
    ]);
  }
}
