// `dep.cassandra.status()`: the ring from every node's point of view (`nodetool status` on
// each), and what they disagree on.
import type { Deployment } from '../../deployment.js';
import { cmd } from '../../../transport/command.js';
import { cassandraNodes } from './nodes.js';

export interface RingView {
  host: string;
  address: string;
  ok: boolean;
  error?: string;
  rows: import('../../../probes/nodetool-status.js').NodetoolRow[];
}
export interface RingStatus {
  views: RingView[];
  ring: {
    address: string;
    dc: string;
    rack: string;
    load: string;
    owns: string;
    hostId: string;
    seenBy: Record<string, string>;
  }[];
  problems: string[];
  allUp: boolean;
}

/**
 * Every node's state as each node sees it; disagreements and nodes that are not UN listed in
 * `problems`.
 */
export async function ringStatus(dep: Deployment): Promise<RingStatus> {
  const { parseNodetoolStatus } = await import('../../../probes/nodetool-status.js');
  const nodes = cassandraNodes(dep);
  const views = await Promise.all(
    nodes.map(async (n): Promise<RingView> => {
      const [r] = await dep.exec([n.unit.host], cmd(...n.nodetool, 'status'), {
        timeoutMs: 30_000,
      });
      const parsed = parseNodetoolStatus(r!.stdout);
      if (!r!.ok || !parsed.ok) {
        const why = (r!.stderr || r!.stdout).trim().split('\n').pop() ?? `exit ${r!.exitCode}`;
        return { host: n.unit.host, address: n.listenAddress, ok: false, error: why, rows: [] };
      }
      return { host: n.unit.host, address: n.listenAddress, ok: true, rows: parsed.rows };
    }),
  );
  const problems: string[] = [];
  for (const v of views) {
    if (!v.ok) {
      problems.push(`${v.host}: nodetool status failed: ${v.error}`);
    }
  }
  const addresses = [...new Set(views.flatMap((v) => v.rows.map((r) => r.address)))].sort();
  const ring = addresses.map((address) => {
    const seenBy: Record<string, string> = {};
    for (const v of views.filter((x) => x.ok)) {
      const row = v.rows.find((r) => r.address === address);
      seenBy[v.host] = row ? `${row.status}${row.state}` : 'missing';
    }
    const states = new Set(Object.values(seenBy));
    if (states.size > 1) {
      problems.push(
        `${address}: nodes disagree (${Object.entries(seenBy)
          .map(([h, st]) => `${h} sees ${st}`)
          .join(', ')})`,
      );
    } else if (!states.has('UN')) {
      problems.push(`${address}: ${[...states][0] ?? 'unknown'}`);
    }
    const any = views.flatMap((v) => v.rows).find((r) => r.address === address);
    return {
      address,
      seenBy,
      load: any?.load ?? '?',
      owns: any?.owns ?? '?',
      rack: any?.rack ?? '?',
      dc: any?.dc ?? '?',
      hostId: any?.hostId ?? '?',
    };
  });
  return { views, ring, problems, allUp: problems.length === 0 };
}
