// Shared set-up for integration tests: a lab fleet in a fresh temp dir, always torn down.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labUp, labDown, type Lab } from '../../admin/lab/index.js';

export async function withLab<T>(hosts: number, work: (lab: Lab) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-test-lab-'));
  try {
    return await work(await labUp({ hosts, dir }));
  } finally {
    await labDown(dir);
  }
}

/** Is this process allowed to build namespaces? Integration tests need root. */
export const isRoot = process.getuid?.() === 0;
