// haproxy's runtime API `show servers state [BACKEND]`: a format version line ("1"), a
// `# be_id be_name …` header, then one space-separated line per server.

/** srv_admin_state bits (haproxy's enum srv_admin). */
const ADMIN = {
  FMAINT: 0x01,
  IMAINT: 0x02,
  CMAINT: 0x04,
  FDRAIN: 0x08,
  IDRAIN: 0x10,
  RMAINT: 0x20,
  HMAINT: 0x40,
} as const;
const OPERATIONAL = ['stopped', 'starting', 'running', 'stopping'] as const;

export interface ServerState {
  backend: string;
  server: string;
  address: string;
  port: number;
  operational: (typeof OPERATIONAL)[number] | 'unknown'; // srv_op_state
  maintenance: boolean; // any *MAINT admin bit
  draining: boolean; // FDRAIN or IDRAIN
  fields: Record<string, string>;
}

export function parseServersState(text: string): ServerState[] {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) {
    return [];
  }
  const names = header.slice(2).split(/\s+/);
  return lines
    .filter((l) => !l.startsWith('#') && /\s/.test(l))
    .map((line) => {
      const values = line.split(/\s+/);
      const fields = Object.fromEntries(names.map((n, i) => [n, values[i] ?? '']));
      const admin = Number(fields.srv_admin_state ?? 0);
      const maint = ADMIN.FMAINT | ADMIN.IMAINT | ADMIN.CMAINT | ADMIN.RMAINT | ADMIN.HMAINT;
      return {
        backend: fields.be_name ?? '',
        server: fields.srv_name ?? '',
        address: fields.srv_addr ?? '',
        port: Number(fields.srv_port ?? 0),
        operational: OPERATIONAL[Number(fields.srv_op_state)] ?? 'unknown',
        maintenance: (admin & maint) !== 0,
        draining: (admin & (ADMIN.FDRAIN | ADMIN.IDRAIN)) !== 0,
        fields,
      };
    });
}
