// The all-pairs ping matrix and what it means: which hosts are down (nothing reaches them and
// they reach nothing), which pairs fail on their own, which work one way only. Pure.

export interface Pair {
  from: string;
  to: string;
  ok: boolean;
}

export interface MeshMatrix {
  hosts: string[];
  pairs: Pair[]; // every measured directed pair
  unreachable: { host: string; message: string }[]; // no SSH: its pings could not run
  down: string[]; // every pair to and from it fails, while other pairs work
  failed: Pair[]; // failed pairs not explained by a down host
  asymmetric: [string, string][]; // [a, b]: a→b works, b→a fails (neither is down)
  ok: boolean;
  rounds: number;
  durationMs: number;
}

export function analyzeMatrix(
  hosts: readonly string[],
  pairs: readonly Pair[],
  unreachable: MeshMatrix['unreachable'],
  timing = { rounds: 1, durationMs: 0 },
): MeshMatrix {
  const anyOk = pairs.some((p) => p.ok);
  const down = anyOk
    ? hosts.filter((h) => {
        const touching = pairs.filter((p) => p.from === h || p.to === h);
        return touching.length > 0 && touching.every((p) => !p.ok);
      })
    : [];
  const failed = pairs.filter((p) => !p.ok && !down.includes(p.from) && !down.includes(p.to));
  const okSet = new Set(pairs.filter((p) => p.ok).map((p) => `${p.from}\n${p.to}`));
  const asymmetric = failed
    .filter((p) => okSet.has(`${p.to}\n${p.from}`))
    .map((p): [string, string] => [p.to, p.from]);
  return {
    hosts: [...hosts],
    pairs: [...pairs],
    unreachable: [...unreachable],
    down,
    failed,
    asymmetric,
    ok: unreachable.length === 0 && pairs.every((p) => p.ok),
    ...timing,
  };
}

/** `X` fails, `.` works, `?` not measured, a blank on the diagonal: rows ping, columns answer. */
export function matrixGrid(m: MeshMatrix, label: (host: string) => string = (h) => h): string[] {
  const byPair = new Map(m.pairs.map((p) => [`${p.from}\n${p.to}`, p.ok]));
  const width = Math.max(...m.hosts.map((h) => label(h).length));
  const cols = m.hosts.map((_, i) => String((i + 1) % 10)).join('');
  const rows = m.hosts.map((from, i) => {
    const cells = m.hosts
      .map((to) => {
        if (to === from) {
          return ' ';
        }
        const ok = byPair.get(`${from}\n${to}`);
        if (ok === undefined) {
          return '?';
        }
        return ok ? '.' : 'X';
      })
      .join('');
    return `${label(from).padEnd(width)} ${String(i + 1).padStart(3)} ${cells}`;
  });
  return [`${''.padEnd(width)}     ${cols}`, ...rows];
}

/** Every failing pair involves a host we could not even reach over SSH: waiting will not help. */
export function onlyUnreachableFail(m: MeshMatrix): boolean {
  const gone = new Set(m.unreachable.map((u) => u.host));
  return (
    gone.size > 0 && m.pairs.filter((p) => !p.ok).every((p) => gone.has(p.from) || gone.has(p.to))
  );
}
