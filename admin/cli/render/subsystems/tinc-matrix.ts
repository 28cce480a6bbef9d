// The ping matrix for people: one line when the mesh is whole; otherwise the down hosts, the
// failed pairs folded by source, the one-way pairs, and the hosts whose pings could not run.
import { formatSeconds } from '../duration.js';
import { foldNodeSet } from '../../../inventory/nodeset.js';
import { matrixGrid, type MeshMatrix, type Pair } from '../../../tinc/index.js';

export function renderMatrix(m: MeshMatrix, opts: { grid?: boolean } = {}): string {
  const total = m.hosts.length * (m.hosts.length - 1);
  const good = m.pairs.filter((p) => p.ok).length;
  const timing = `${m.rounds} round${m.rounds === 1 ? '' : 's'}, ${formatSeconds(m.durationMs, { space: true })}`;
  const lines = [
    `mesh: ${m.hosts.length} hosts, ${good}/${total} pairs ok (${timing})${m.ok ? '' : ' — FAILED'}`,
  ];
  if (opts.grid) {
    lines.push(
      ...matrixGrid(m).map((l) => `  ${l}`),
      '  (rows ping, columns answer: . ok, X fails)',
    );
  }
  if (m.down.length) {
    lines.push(`down: ${foldNodeSet(m.down)} (no pair to or from it works)`);
  }
  for (const [from, tos] of bySource(m.failed)) {
    lines.push(`failed: ${from} → ${foldNodeSet(tos)}`);
  }
  for (const [a, b] of m.asymmetric) {
    lines.push(`asymmetric: ${a} → ${b} works, ${b} → ${a} fails`);
  }
  for (const u of m.unreachable) {
    lines.push(`could not run pings on ${u.host}: ${u.message}`);
  }
  return `${lines.join('\n')}\n`;
}

function bySource(pairs: readonly Pair[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of pairs) {
    out.set(p.from, [...(out.get(p.from) ?? []), p.to]);
  }
  return out;
}
