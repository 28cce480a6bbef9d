// LAB ONLY. The ring: every member's address, datacenter, rack and token (one token per node,
// derived from its address), which nodes replicate a partition (SimpleStrategy: the next RF
// nodes clockwise; NetworkTopologyStrategy: the sum of its per-DC factors, in this small model),
// and how many replicas a consistency level needs.
import { createHash } from 'node:crypto';

export interface Member {
  address: string;
  dc: string;
  rack: string;
}

/** -1, 0 or 1, for sort(). */
export function compare<T extends string | number | bigint>(a: T, b: T): number {
  return a < b ? -1 : Number(a > b);
}

export function tokenOf(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigInt64BE(0);
}

export function hostIdOf(address: string): string {
  const hex = createHash('sha256').update(`host-id:${address}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `ADDR[=DC:RACK],…` as given to every node and to nodetool. */
export function parseRing(text: string): Member[] {
  return text
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => {
      const [address, where] = e.split('=');
      const [dc, rack] = (where ?? '').split(':');
      return { address: address!, dc: dc || 'datacenter1', rack: rack || 'rack1' };
    });
}

export function replicationFactor(replication: Record<string, string>, members: number): number {
  const cls = replication.class ?? '';
  let rf = 0;
  if (/SimpleStrategy$/.test(cls)) {
    rf = Number(replication.replication_factor ?? 1);
  } else if (/LocalStrategy$/.test(cls)) {
    return 1;
  } else {
    for (const [k, v] of Object.entries(replication)) {
      if (k !== 'class') {
        rf += Number(v);
      }
    }
  }
  return Math.max(1, Math.min(rf, members));
}

/** The nodes that hold partition `key`, primary first. */
export function replicasOf(members: Member[], key: string, rf: number): Member[] {
  const sorted = [...members].sort((a, b) => {
    const ta = tokenOf(a.address);
    const tb = tokenOf(b.address);
    return compare(ta, tb);
  });
  const t = tokenOf(key);
  let start = sorted.findIndex((m) => tokenOf(m.address) >= t);
  if (start < 0) {
    start = 0;
  }
  return Array.from(
    { length: Math.min(rf, sorted.length) },
    (_, i) => sorted[(start + i) % sorted.length]!,
  );
}

export function required(consistency: string, rf: number): number {
  switch (consistency) {
    case 'ALL':
      return rf;
    case 'TWO':
      return 2;
    case 'THREE':
      return 3;
    case 'QUORUM':
    case 'LOCAL_QUORUM':
    case 'EACH_QUORUM':
    case 'SERIAL':
    case 'LOCAL_SERIAL':
      return Math.floor(rf / 2) + 1;
    default:
      return 1;
  }
}
