// What a lab looks like right now: hosts, sshd per host, namespaces, recorded pids, leftovers.
import { readFile } from 'node:fs/promises';
import {
  etcNetnsDir,
  normalizeDir,
  readState,
  sshdConfigPath,
  sshdPidPath,
  type LabState,
} from './state.js';
import { linkExists, listDir, listLinks, listNetns, netnsExists } from './netns.js';
import { readPidRecords } from '../pids.js';
import { cmdlineIncludes } from '../processes.js';
import type { LabHostStatus, LabStatus, RecordedPid } from '../types.js';

async function hostStatus(state: LabState, h: LabState['hosts'][number]): Promise<LabHostStatus> {
  const fromFile = Number(
    (await readFile(sshdPidPath(state.dir, h.name), 'utf8').catch(() => '')).trim(),
  );
  const pid = h.sshdPid ?? (Number.isInteger(fromFile) && fromFile > 1 ? fromFile : null);
  const alive = pid !== null && (await cmdlineIncludes(pid, sshdConfigPath(state.dir, h.name)));
  return {
    name: h.name,
    address: h.address,
    netns: h.netns,
    netnsPresent: netnsExists(h.netns),
    sshdPid: pid,
    sshdAlive: alive,
  };
}

/** Namespaces, veths and /etc/netns entries carrying this lab's id that the state does not list. */
async function leftovers(state: LabState): Promise<string[]> {
  const netns = new Set(state.hosts.map((h) => h.netns));
  const veths = new Set(state.hosts.map((h) => h.veth));
  const ours = `salvo${state.id}-`;
  const out: string[] = [];
  for (const ns of await listNetns()) {
    if (ns.startsWith(ours) && !netns.has(ns)) {
      out.push(`netns ${ns}`);
    }
  }
  for (const l of await listLinks()) {
    if (l.startsWith(`s${state.id}-v`) && !veths.has(l)) {
      out.push(`veth ${l}`);
    }
  }
  for (const e of await listDir('/etc/netns')) {
    if (e.startsWith(ours) && !netns.has(e)) {
      out.push(etcNetnsDir(e));
    }
  }
  return out;
}

/** Read-only: works without root. */
export async function labStatus(dir: string): Promise<LabStatus> {
  const abs = normalizeDir(dir);
  const state = await readState(abs);
  if (!state) {
    return {
      dir: abs,
      exists: false,
      id: null,
      phase: null,
      bridge: null,
      bridgePresent: false,
      hosts: [],
      recorded: [],
      leftovers: [],
      healthy: false,
    };
  }
  const hosts = await Promise.all(state.hosts.map((h) => hostStatus(state, h)));
  const recorded: RecordedPid[] = await Promise.all(
    (await readPidRecords(abs)).map(async (r) => ({
      name: r.name,
      pid: r.pid,
      alive: await cmdlineIncludes(r.pid, r.cmdline),
    })),
  );
  const left = await leftovers(state);
  const bridgePresent = linkExists(state.bridge);
  const healthy =
    state.phase === 'up' &&
    bridgePresent &&
    left.length === 0 &&
    hosts.every((h) => h.netnsPresent && h.sshdAlive);
  return {
    dir: abs,
    exists: true,
    id: state.id,
    phase: state.phase,
    bridge: state.bridge,
    bridgePresent,
    hosts,
    recorded,
    leftovers: left,
    healthy,
  };
}
