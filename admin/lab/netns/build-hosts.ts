// Bring a batch of new hosts up inside a lab whose state already lists them.
import { startHost, waitReady } from './host-start.js';
import { makeKeyPair } from '../keys.js';
import {
  hostAddress,
  netnsName,
  vethName,
  writeState,
  type LabState,
  type StateHost,
} from './state.js';
import { createHostLinks } from './netns.js';
import { mapLimit } from '../run.js';
import type { LabListener } from '../types.js';
import { writeHostDir, writeSharedFiles, type HostKeys } from '../write-files.js';

/** Starters in flight at once: each is ip → unshare → sh → ip + mount → sshd. */
const START_CONCURRENCY = 8;

export interface PlannedHost {
  host: StateHost;
  keys: HostKeys;
}

/** Hosts PREFIX{from}..PREFIX{from+count-1} of lab `id`, with fresh host and root keys. */
export function planHosts(id: number, prefix: string, from: number, count: number): PlannedHost[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const name = `${prefix}${n}`;
    const keys = { hostKey: makeKeyPair(`${name}-hostkey`), rootKey: makeKeyPair(`root@${name}`) };
    const host: StateHost = {
      name,
      n,
      address: hostAddress(id, n),
      netns: netnsName(id, name),
      veth: vethName(id, n),
      sshdPid: null,
      hostKey: keys.hostKey.publicKey,
      rootKey: keys.rootKey.publicKey,
    };
    return { host, keys };
  });
}

/**
 * `state.hosts` already holds the new hosts and lab.json says so. Write their files (and refresh
 * the shared ones for every host), make their namespaces and veths, start their sshds, wait.
 */
export async function buildHosts(
  state: LabState,
  planned: PlannedHost[],
  onEvent: LabListener,
): Promise<void> {
  const hosts = planned.map((p) => p.host);
  onEvent({ kind: 'step', message: `writing files for ${hosts.length} hosts` });
  await Promise.all(planned.map((p) => writeHostDir(state.dir, p.host, p.keys)));
  await writeSharedFiles(state);

  onEvent({ kind: 'step', message: `creating ${hosts.length} namespaces on ${state.bridge}` });
  await createHostLinks(state.bridge, hosts);

  onEvent({ kind: 'step', message: `starting ${hosts.length} sshd` });
  const deadline = Date.now() + 15_000 + 100 * hosts.length;
  const ready: Promise<void>[] = [];
  await mapLimit(hosts, START_CONCURRENCY, async (h) => {
    await startHost(state.dir, h);
    const up = waitReady(state.dir, h, deadline).then((pid) => {
      h.sshdPid = pid;
      onEvent({ kind: 'host-up', host: h.name, address: h.address, sshdPid: pid });
    });
    up.catch(() => undefined); // observed below, with the others
    ready.push(up);
  }).finally(() => Promise.allSettled(ready));
  const failed = (await Promise.allSettled(ready)).find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  await writeState(state); // the pids known so far, even when a host failed
  if (failed) {
    throw failed.reason;
  }
}
