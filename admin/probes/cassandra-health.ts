// The verdict on one Cassandra node, from services/cassandra/scripts.ts RING_STATUS: first the
// daemon (pid, its native port: probes/unit-status.ts), then the node's own row in its
// `nodetool status`. Running means the daemon is up AND that row says UN; a joining, leaving or
// moving node, a node nodetool calls down, a missing row or a failing nodetool is unhealthy with
// the reason. Peers that are not UN do not make this node unhealthy (a rolling restart takes
// one down on purpose); they are named in the detail.
import type { Health } from './health.js';
import { addressOnly, parseNodetoolStatus, type NodetoolRow } from './nodetool-status.js';
import { firstLine, parseSections, type Section } from './sections.js';
import { parseUnitStatus } from './unit-status.js';

type Sections = Map<string, Section>;
type Verdict = { ok: true; note?: string; peersNotUp?: string[] } | { ok: false; why: string };

const STATE_WORDS: Record<string, string> = {
  J: 'joining the ring',
  L: 'leaving the ring',
  M: 'moving in the ring',
};
const code = (r: NodetoolRow): string => `${r.status}${r.state}`;

/** nodetool's own words when it fails: its last non-empty line (`nodetool: Failed to connect …`). */
function lastWords(lines: string[]): string {
  return (
    lines
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? 'no output'
  );
}

function failure(exit: string, lines: string[], seconds: string): string {
  if (exit === '124' || exit === '137') {
    return `nodetool status did not answer within ${seconds}s`;
  }
  return `nodetool status failed (exit ${exit}): ${lastWords(lines)}`;
}

/** Why the node's own row is not UN, or undefined when it is. */
function ownRowProblem(row: NodetoolRow): string | undefined {
  if (row.status === 'U' && row.state === 'N') {
    return undefined;
  }
  if (row.status === 'D') {
    return `nodetool status calls it down (${code(row)})`;
  }
  if (row.status === '?') {
    return `nodetool status does not know whether it is up (${code(row)})`;
  }
  return `${STATE_WORDS[row.state]} (${code(row)} in nodetool status)`;
}

/** Peers this node does not see UN, as `10.1.4.1 DN`. */
function peersNotUp(rows: NodetoolRow[], own: NodetoolRow): string[] {
  return rows.filter((r) => r !== own && code(r) !== 'UN').map((r) => `${r.address} ${code(r)}`);
}

function ringVerdict(s: Sections): Verdict {
  const nodetool = s.get('nodetool');
  const exit = firstLine(s, 'nodetool-exit');
  if (!nodetool || exit === '' || exit === '-') {
    return { ok: false, why: 'nodetool status was not run (probe output cut short?)' };
  }
  const lines = nodetool.lines.map((l) => l.replace(/^\| ?/, ''));
  if (exit !== '0') {
    return { ok: false, why: failure(exit, lines, s.get('nodetool-exit')?.args[0] ?? '?') };
  }
  const parsed = parseNodetoolStatus(lines.join('\n'));
  if (!parsed.ok) {
    return { ok: false, why: `nodetool status: ${parsed.error}` };
  }
  const self = (s.get('ring-self')?.lines ?? []).map((l) => l.trim()).filter(Boolean);
  const own = parsed.rows.find((r) => self.includes(addressOnly(r.address)));
  if (!own) {
    const ring = parsed.rows.map((r) => `${r.address} ${code(r)}`).join(', ') || 'no rows';
    return { ok: false, why: `no row for ${self[0] ?? '?'} in nodetool status (${ring})` };
  }
  const why = ownRowProblem(own);
  if (why) {
    return { ok: false, why };
  }
  const others = peersNotUp(parsed.rows, own);
  return others.length === 0
    ? { ok: true }
    : { ok: true, note: `peers not UN: ${others.join(', ')}`, peersNotUp: others };
}

export function parseCassandraHealth(stdout: string): Health {
  const daemon = parseUnitStatus(stdout);
  if (daemon.state !== 'running') {
    return daemon; // stopped, or up without its native port
  }
  const verdict = ringVerdict(parseSections(stdout));
  if (verdict.ok) {
    return {
      ...daemon,
      ...(verdict.note ? { detail: verdict.note } : {}),
      ...(verdict.peersNotUp ? { peersNotUp: verdict.peersNotUp } : {}),
    };
  }
  return { ...daemon, state: 'unhealthy', detail: verdict.why };
}
