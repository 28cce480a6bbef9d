// Verify after a change, and repair the one failure tinc 1.0 does not recover from by itself.
//
// When many daemons start at once, a node can ask a peer for its packet key twice (once through
// a relay, once directly); the peer makes a new key for each request, the answers can arrive out
// of order, and the requester keeps the older one. The peer then drops every UDP packet from it
// ("Got unauthenticated packet") until the key expires (KeyExpire, an hour by default). Measured
// here in about one 5-host start out of five. A clean restart of one end makes every peer forget
// its keys, so the pair negotiates afresh. Only the mutating commands repair; `verify` never does.
import { runEach, type TincContext } from '../context.js';
import { onlyUnreachableFail, type MeshMatrix } from '../matrix.js';
import { controlCommand } from '../remote/index.js';
import { matrixRound, PAUSE_MS } from './verify.js';

export interface RepairOptions {
  waitMs: number; // total time the matrix may take to become whole, repairs included
}

export interface Verified {
  matrix: MeshMatrix;
  repaired: string[]; // hosts restarted to renew their packet keys
}

// A fresh link needs well under a second; a pair still dark after this is stuck, not slow.
const STUCK_AFTER_MS = 2000;
const MAX_REPAIRS = 3;

export async function verifyAndRepair(ctx: TincContext, opts: RepairOptions): Promise<Verified> {
  const started = Date.now();
  const deadline = started + opts.waitMs;
  const repaired: string[] = [];
  let lastChange = started;
  for (let round = 1, repairs = 0; ; round++) {
    const matrix = await matrixRound(ctx, round, started);
    if (matrix.ok || onlyUnreachableFail(matrix) || Date.now() >= deadline || ctx.signal?.aborted) {
      return { matrix, repaired };
    }
    ctx.emit({ kind: 'verify-round', round, matrix });
    if (
      Date.now() - lastChange >= STUCK_AFTER_MS &&
      repairs < MAX_REPAIRS &&
      matrix.failed.length > 0
    ) {
      const hosts = endpointsToRestart(matrix);
      await restart(ctx, hosts);
      repaired.push(...hosts.filter((h) => !repaired.includes(h)));
      repairs++;
      lastChange = Date.now();
    }
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
}

/** Few hosts that cover every failed pair: the one in most failed pairs first, and so on. */
export function endpointsToRestart(m: MeshMatrix): string[] {
  let pairs = m.failed.map((p) => [p.from, p.to] as const);
  const chosen: string[] = [];
  while (pairs.length > 0) {
    const count = new Map<string, number>();
    for (const [a, b] of pairs) {
      for (const h of [a, b]) {
        count.set(h, (count.get(h) ?? 0) + 1);
      }
    }
    const best = [...count].sort(
      (x, y) => y[1] - x[1] || m.hosts.indexOf(x[0]) - m.hosts.indexOf(y[0]),
    )[0]![0];
    chosen.push(best);
    pairs = pairs.filter(([a, b]) => a !== best && b !== best);
  }
  return chosen;
}

async function restart(ctx: TincContext, hosts: readonly string[]): Promise<void> {
  ctx.emit({ kind: 'repair', hosts: [...hosts] });
  const vpn = new Map(ctx.spec.members.map((m) => [m.host, m.vpn]));
  const target = (h: string): { netname: string; iface: string; vpn: string } => ({
    netname: ctx.spec.netname,
    iface: ctx.spec.iface,
    vpn: vpn.get(h)!,
  });
  await runEach(
    ctx,
    'control',
    hosts,
    (h) => ({ command: controlCommand(ctx.paths, target(h), 'restart') }),
    30_000,
  );
}
