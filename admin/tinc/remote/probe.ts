// probe: one SSH command per member reads its tinc state (pid, key mode, own files, hashes of
// peers' files). Members that cannot be reached are recorded as failures and left out.
import { runEach, type TincContext } from '../context.js';
import type { MeshMember } from '../mesh.js';
import { parseProbe, probeCommand, type NodeState } from './commands.js';
import type { RecordFile } from '../record.js';
import { readRecord } from '../record.js';
import type { HostFile } from '../config/index.js';

const PROBE_TIMEOUT_MS = 20_000;

export async function probeMembers(
  ctx: TincContext,
  members: readonly MeshMember[],
): Promise<Map<string, NodeState>> {
  const byHost = new Map(members.map((m) => [m.host, m]));
  const done = await runEach(
    ctx,
    'probe',
    members.map((m) => m.host),
    (h) => ({ command: probeCommand(ctx.paths, byHost.get(h)!.name) }),
    PROBE_TIMEOUT_MS,
  );
  return new Map([...done].map(([host, r]) => [host, parseProbe(r.stdout)]));
}

export interface LoadedRecord {
  files: Map<string, RecordFile>; // by tinc name, members and not
  byHost: Map<string, HostFile>; // members' parsed files, by services-file name
}

export async function loadRecord(ctx: TincContext): Promise<LoadedRecord> {
  const files = await readRecord(ctx.confDir);
  const byHost = new Map<string, HostFile>();
  for (const m of ctx.spec.members) {
    const f = files.get(m.name);
    if (f) {
      byHost.set(m.host, f.parsed);
    }
  }
  return { files, byHost };
}
