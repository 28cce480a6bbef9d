// haproxy's runtime API `show stat`: CSV with a `# pxname,svname,…` header. Columns are found
// by name, so fields haproxy adds in later versions do not shift anything.

export interface StatRow {
  proxy: string; // pxname: frontend, backend or listen section
  server: string; // svname: a server, or FRONTEND / BACKEND
  currentSessions: number; // scur
  status: string; // UP, DOWN, DRAIN, MAINT, "UP 1/2" (going down), OPEN (frontends), no check …
  checkStatus: string; // L7OK, L4CON, …
  weight: number;
  fields: Record<string, string>; // every column by name
}

export function parseShowStat(csv: string): StatRow[] {
  const lines = csv.split('\n').map((l) => l.trimEnd());
  const header = lines.find((l) => l.startsWith('# '));
  if (!header) {
    return [];
  }
  const names = header.slice(2).split(',');
  return lines
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((line) => {
      const values = line.split(',');
      const fields = Object.fromEntries(
        names.map((n, i) => [n, values[i] ?? '']).filter(([n]) => n !== ''),
      );
      return {
        proxy: fields.pxname ?? '',
        server: fields.svname ?? '',
        currentSessions: Number(fields.scur || 0),
        status: fields.status ?? '',
        checkStatus: fields.check_status ?? '',
        weight: Number(fields.weight || 0),
        fields,
      };
    });
}

/** The row of one server of one backend. */
export function serverRow(rows: StatRow[], backend: string, server: string): StatRow | undefined {
  return rows.find((r) => r.proxy === backend && r.server === server);
}
