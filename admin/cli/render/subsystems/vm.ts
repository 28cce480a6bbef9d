// `salvo vm list|status`: one line per guest.
import type { ImageList, ImagePushResult, VmStatus } from '../../../vm/index.js';

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
      (r.state === 'running' || r.state === 'unresponsive' ? r.image : undefined) || r.base || '-',
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
    ...(r.image && r.image !== r.base && (r.state === 'running' || r.state === 'unresponsive')
      ? [
          `${r.name}: booted ${r.image}; the services file says base ${r.base || '-'} (its next start boots that)`,
        ]
      : []),
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

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

function size(bytes: number): string {
  const units = ['B', 'K', 'M', 'G', 'T'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u += 1;
  }
  return u === 0 ? `${v}B` : `${v.toFixed(v < 10 ? 1 : 0)}${units[u]}`;
}

/** `salvo vm image push`: one line per host. */
export function renderImagePush(r: ImagePushResult): string {
  const lines = [
    `${r.image}: ${size(r.bytes)}, sha256 ${r.sha256.slice(0, 12)}`,
    ...table([
      ['HOST', 'OUTCOME', 'TIME', 'DETAIL'],
      ...r.hosts.map((h) => [h.host, h.outcome, `${(h.ms / 1000).toFixed(1)}s`, h.detail ?? '']),
    ]),
  ];
  if (r.registered) {
    lines.push(`registered: vm/images/${r.image}.json`);
  }
  const ok = r.hosts.filter((h) => h.outcome === 'published' || h.outcome === 'present').length;
  lines.push(`${ok} of ${r.hosts.length} hosts have ${r.image}`);
  return `${lines.join('\n')}\n`;
}

/** `salvo vm image list`: one line per image per host, with the guests that booted it there. */
export function renderImageList(r: ImageList): string {
  const rows = [['IMAGE', 'HOST', 'SIZE', 'SHA256', 'GUESTS']];
  for (const h of r.hosts) {
    for (const i of h.images) {
      const guests = h.guests
        .filter((g) => g.image === i.name && g.wanted === 'running')
        .map((g) => g.name);
      rows.push([
        i.name,
        h.host,
        size(i.bytes),
        i.sha256 ? i.sha256.slice(0, 12) : '-',
        guests.join(',') || '-',
      ]);
    }
  }
  const lines = rows.length > 1 ? table(rows) : ['no images on the physical hosts'];
  for (const h of r.hosts) {
    if (h.error) {
      lines.push(`${h.host}: ${h.error}`);
    }
  }
  for (const reg of r.registered) {
    const where = r.hosts.filter((h) =>
      h.images.some((i) => i.name === reg.name && (!reg.sha256 || i.sha256 === reg.sha256)),
    );
    lines.push(
      `${reg.name}: registered${reg.sha256 ? ` ${reg.sha256.slice(0, 12)}` : ''}, base of ${reg.guests.join(',') || 'no guest'}; on ${where.map((h) => h.host).join(',') || 'no host'}${reg.sha256 ? ' with that checksum' : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
