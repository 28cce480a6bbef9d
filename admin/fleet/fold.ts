// Group hosts whose output is identical, as `clush -b` / clubak do, so 200 identical answers
// print once under a folded node set and the odd ones stand out.
import { createHash } from 'node:crypto';
import { foldNodeSet } from '../inventory/nodeset.js';
import type { CommandResult } from '../transport/types.js';
import { bucketOf } from './outcome.js';

export interface OutputGroup {
  nodeset: string; // folded, e.g. cloud[1-4,7]
  hosts: string[];
  stdout: string;
  stderr: string;
  /** The status line shared by the group: `exit 0`, `exit 3`, `timeout`, `unreachable: …`. */
  status: string;
}

export function statusOf(r: CommandResult): string {
  if (r.failure && bucketOf(r) !== 'failed') {
    return `${r.failure.kind}: ${withoutHost(r.host, r.failure.message)}`;
  }
  if (r.failure?.kind === 'timeout') {
    return r.failure.message ? `timeout: ${r.failure.message}` : 'timeout';
  }
  if (r.signal) {
    return `killed by ${r.signal}`;
  }
  return `exit ${r.exitCode ?? '?'}`;
}

// The group header already names the hosts; "cloud6: connection refused" would say it twice.
function withoutHost(host: string, message: string): string {
  return message.startsWith(`${host}: `) ? message.slice(host.length + 2) : message;
}

/** Identical (stdout, stderr, status) → one group; groups ordered by first host appearance. */
export function groupOutputs(results: CommandResult[]): OutputGroup[] {
  const byKey = new Map<string, { hosts: string[]; sample: CommandResult; status: string }>();
  for (const r of results) {
    const status = statusOf(r);
    // A digest, not the texts: a key made of two floods would copy them (8 MiB a host).
    const key = createHash('sha256')
      .update(`${r.stdout.length}:${r.stderr.length}:${status}\0`)
      .update(r.stdout)
      .update('\0')
      .update(r.stderr)
      .digest('base64');
    const g = byKey.get(key);
    if (g) {
      g.hosts.push(r.host);
    } else {
      byKey.set(key, { hosts: [r.host], sample: r, status });
    }
  }
  return [...byKey.values()].map(({ hosts, sample, status }) => ({
    nodeset: foldNodeSet(hosts),
    hosts,
    stdout: sample.stdout,
    stderr: sample.stderr,
    status,
  }));
}
