// verify: every member pings every other member's VPN address, all at once — one SSH command per
// host runs its pings in parallel, so a round costs one round trip plus at most a 1 s ping wait.
// With a wait, rounds repeat until the mesh is whole or the deadline passes (a fresh mesh needs
// a moment for tincd to connect).
import type { Deployment } from '../../deployment/deployment.js';
import {
  hostFailure,
  runAll,
  tincContext,
  type TincContext,
  type TincOptions,
} from '../context.js';
import { analyzeMatrix, onlyUnreachableFail, type MeshMatrix, type Pair } from '../matrix.js';
import type { MeshMember } from '../mesh.js';
import { parsePings, pingCommand } from '../remote/index.js';

export interface VerifyOptions {
  /** Keep trying until every pair works or this much time has passed; 0: one round. */
  waitMs?: number;
}

const ROUND_TIMEOUT_MS = 15_000;
export const PAUSE_MS = 200;

async function verifyMesh(ctx: TincContext, opts: VerifyOptions = {}): Promise<MeshMatrix> {
  const started = Date.now();
  const deadline = started + (opts.waitMs ?? 0);
  for (let round = 1; ; round++) {
    const matrix = await matrixRound(ctx, round, started);
    if (matrix.ok || onlyUnreachableFail(matrix) || Date.now() >= deadline || ctx.signal?.aborted) {
      return matrix;
    }
    ctx.emit({ kind: 'verify-round', round, matrix });
    await new Promise((r) => setTimeout(r, PAUSE_MS));
  }
}

/** One all-pairs round over every member; `started` dates the matrix. */
export async function matrixRound(
  ctx: TincContext,
  round: number,
  started: number,
): Promise<MeshMatrix> {
  const members = ctx.spec.members;
  const hosts = members.map((m) => m.host);
  const others = (host: string): MeshMember[] => members.filter((m) => m.host !== host);
  if (round === 1) {
    ctx.emit({ kind: 'phase', phase: 'verify', hosts });
  }
  const results = await runAll(
    ctx,
    hosts,
    (h) => ({ command: pingCommand(others(h).map((m) => m.vpn)) }),
    ROUND_TIMEOUT_MS,
  );
  // A host we cannot ask is part of the matrix (its row is unknown), not an operation failure.
  const unreachable = results
    .filter((r) => !r.ok)
    .map((r) => ({ host: r.host, message: hostFailure('verify', r).message }));
  const pairs: Pair[] = [];
  for (const r of results.filter((x) => x.ok)) {
    const seen = parsePings(r.stdout);
    for (const m of others(r.host)) {
      pairs.push({ from: r.host, to: m.host, ok: seen.get(m.vpn) === true });
    }
  }
  return analyzeMatrix(hosts, pairs, unreachable, {
    rounds: round,
    durationMs: Date.now() - started,
  });
}

/** `salvo tinc verify` as a library call: the matrix over every member, optionally waiting. */
export async function tincVerify(
  dep: Deployment,
  opts: TincOptions & { waitMs?: number } = {},
): Promise<MeshMatrix> {
  return verifyMesh(tincContext(dep, opts), { waitMs: opts.waitMs ?? 0 });
}
