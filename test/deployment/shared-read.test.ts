// SharedReads: every host gets the file's exact bytes, each chunk comes from one read while the
// hosts keep step, and a reader far behind still gets its bytes (read for itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SharedReads } from '../../admin/deployment/copy/shared-read.js';

const CHUNK = 255 * 1024;

async function withFile(bytes: Buffer, work: (path: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-shared-read-'));
  try {
    const path = join(dir, 'f.bin');
    await writeFile(path, bytes);
    await work(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('readers in step share one buffer per chunk and get the exact bytes', async () => {
  const bytes = randomBytes(3 * CHUNK + 17);
  await withFile(bytes, async (path) => {
    const reads = new SharedReads();
    const readers = [reads.join(path), reads.join(path), reads.join(path)];
    const got: Buffer[][] = readers.map(() => []);
    for (let at = 0; at < bytes.length; at += CHUNK) {
      const len = Math.min(CHUNK, bytes.length - at);
      const chunks = await Promise.all(readers.map((r) => r.read(at, len)));
      for (const [i, c] of chunks.entries()) {
        got[i]!.push(c);
      }
      assert.ok(
        chunks.every((c) => c === chunks[0]),
        `one buffer for offset ${at}`,
      );
    }
    for (const r of readers) {
      await r.leave();
    }
    for (const parts of got) {
      assert.deepEqual(Buffer.concat(parts), bytes);
    }
  });
});

test('a reader far behind the others still reads every byte; leaving twice is harmless', async () => {
  const bytes = randomBytes(300 * CHUNK); // ~75 MiB: more than is kept for a lagging reader
  await withFile(bytes, async (path) => {
    const reads = new SharedReads();
    const fast = reads.join(path);
    const slow = reads.join(path);
    const readAll = async (r: typeof fast): Promise<Buffer> => {
      const parts: Buffer[] = [];
      for (let at = 0; at < bytes.length; at += CHUNK) {
        parts.push(await r.read(at, Math.min(CHUNK, bytes.length - at)));
      }
      return Buffer.concat(parts);
    };
    assert.ok((await readAll(fast)).equals(bytes));
    await fast.leave();
    await fast.leave();
    assert.ok((await readAll(slow)).equals(bytes));
    await slow.leave();
    // All gone: a new reader opens the file again.
    const again = reads.join(path);
    assert.ok((await again.read(CHUNK, 10)).equals(bytes.subarray(CHUNK, CHUNK + 10)));
    await again.leave();
  });
});

test('a file shorter than asked gives the bytes there are', async () => {
  const bytes = randomBytes(100);
  await withFile(bytes, async (path) => {
    const reads = new SharedReads();
    const r = reads.join(path);
    assert.equal((await r.read(50, CHUNK)).length, 50);
    await r.leave();
  });
});
