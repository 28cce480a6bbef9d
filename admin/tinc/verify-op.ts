// `salvo tinc verify` as a library call: the matrix over every member, optionally waiting.
import type { Deployment } from '../deployment/deployment.js';
import { tincContext, type TincOptions } from './context.js';
import type { MeshMatrix } from './matrix.js';
import { verifyMesh } from './verify.js';

export async function tincVerify(dep: Deployment, opts: TincOptions & { waitMs?: number } = {}): Promise<MeshMatrix> {
  return verifyMesh(tincContext(dep, opts), { waitMs: opts.waitMs ?? 0 });
}
