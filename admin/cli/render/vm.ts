// `salvo vm list|status`: one line per guest.
import type { VmStatus } from '../../vm/index.js';

function uptime(sec: number | undefined): string {
  if (sec === undefined) {
    return '-';
  }
  if (sec < 120) {
    return `${sec}s`;
  }
  return sec < 7200 ? `${Math.floor(sec / 60)}m` : `${Math.floor(sec / 3600)}h`;
}

export function renderVmStatus(rows: VmStatus[]): string {
  if (rows.length === 0) {
    return 'no guests: the services file has no vm service\n';
  }
  const table = [
    ['GUEST', 'HOST', 'STATE', 'UPTIME', 'ACCEL', 'VCPUS', 'MEMORY', 'BASE', 'ADDRESS', 'MAC'],
    ...rows.map((r) => [
      r.name,
      r.physical,
      r.state,
      uptime(r.uptimeSec),
      r.accel && r.state !== 'stopped' && r.state !== 'crashed' ? r.accel : '-',
      String(r.vcpus),
      `${r.memoryMiB}M`,
      r.base || '-',
      r.address,
      r.mac,
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const notes = rows.flatMap((r) => [
    ...(r.detail ? [`${r.name}: ${r.detail}`] : []),
    ...(r.leftovers.length > 0 ? [`${r.name}: left behind: ${r.leftovers.join(', ')}`] : []),
  ]);
  return `${[...lines, ...notes].join('\n')}\n`;
}

/** 0 when every guest runs (status) — 1 when one is crashed or unresponsive, 3 unknown. */
export function vmStatusExitCode(rows: VmStatus[]): number {
  if (rows.some((r) => r.state === 'unknown')) {
    return 3;
  }
  return rows.some((r) => r.state === 'crashed' || r.state === 'unresponsive') ? 1 : 0;
}
