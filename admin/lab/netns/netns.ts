// Kernel objects of a lab: the bridge, one namespace + veth pair per host. Batched through
// `ip -batch -`; IPv6 is switched off through /proc before a link comes up.
import { existsSync } from 'node:fs';
import { readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { bridgeAddress, type StateHost } from './state.js';
import { run, runOk } from '../run.js';

export const linkExists = (name: string): boolean => existsSync(`/sys/class/net/${name}`);
export const netnsExists = (name: string): boolean => existsSync(`/run/netns/${name}`);

/** Names under a directory, or [] when it does not exist. */
export async function listDir(path: string): Promise<string[]> {
  try {
    return await readdir(path);
  } catch {
    return [];
  }
}

export const listNetns = (): Promise<string[]> => listDir('/run/netns');
export const listLinks = (): Promise<string[]> => listDir('/sys/class/net');

/** Switch IPv6 off on a root-namespace link (before it comes up: no link-local address, no RS). */
async function disableIpv6(link: string): Promise<void> {
  await writeFile(`/proc/sys/net/ipv6/conf/${link}/disable_ipv6`, '1').catch(() => {
    /* no IPv6 in this kernel */
  });
}

/** Bridge salvoL at 198.18.L.254/24: its connected route is the only route the lab adds. */
export async function createBridge(bridge: string, id: number): Promise<void> {
  await runOk(`bridge ${bridge}`, ['ip', 'link', 'add', bridge, 'type', 'bridge']);
  await disableIpv6(bridge);
  await runOk(
    `bridge ${bridge}`,
    ['ip', '-batch', '-'],
    `${[`addr add ${bridgeAddress(id)}/24 dev ${bridge}`, `link set ${bridge} up`].join('\n')}\n`,
  );
}

/** For each host: its namespace, a veth pair (eth0 inside, the veth on the bridge), up. */
export async function createHostLinks(bridge: string, hosts: readonly StateHost[]): Promise<void> {
  const create = hosts.flatMap((h) => [
    `netns add ${h.netns}`,
    `link add ${h.veth} type veth peer name eth0 netns ${h.netns}`,
    `link set ${h.veth} master ${bridge}`,
  ]);
  await runOk('namespaces', ['ip', '-batch', '-'], `${create.join('\n')}\n`);
  await Promise.all(hosts.map((h) => disableIpv6(h.veth)));
  await runOk(
    'veth up',
    ['ip', '-batch', '-'],
    `${hosts.map((h) => `link set ${h.veth} up`).join('\n')}\n`,
  );
}

/** Delete whichever of these veths, namespaces and bridge still exist; returns what went. */
export async function deleteLinks(
  veths: string[],
  namespaces: string[],
  bridge: string | null,
): Promise<string[]> {
  const target = (what: string, line: string, exists: () => boolean) => ({ what, line, exists });
  const targets = [
    ...veths
      .filter(linkExists)
      .map((v) => target(`veth ${v}`, `link del ${v}`, () => linkExists(v))),
    ...namespaces
      .filter(netnsExists)
      .map((ns) => target(`netns ${ns}`, `netns del ${ns}`, () => netnsExists(ns))),
    ...(bridge && linkExists(bridge)
      ? [target(`bridge ${bridge}`, `link del ${bridge}`, () => linkExists(bridge))]
      : []),
  ];
  if (targets.length === 0) {
    return [];
  }
  await run(['ip', '-force', '-batch', '-'], `${targets.map((t) => t.line).join('\n')}\n`);
  return targets.filter((t) => !t.exists()).map((t) => t.what);
}

/** iproute2 bind-mounts /run/netns on first use; undo that once no namespace at all is left. */
export async function releaseNetnsDir(): Promise<boolean> {
  if (!existsSync('/run/netns') || (await listNetns()).length > 0) {
    return false;
  }
  for (let i = 0; i < 4 && (await isMountpoint('/run/netns')); i++) {
    if ((await run(['umount', '/run/netns'])).code !== 0) {
      break;
    }
  }
  return rmdir('/run/netns').then(
    () => true,
    () => false,
  );
}

async function isMountpoint(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  return info.split('\n').some((line) => line.split(' ')[4] === path);
}
