// Loaded into `salvo monitor run` by the monitor bench's soak (`node --expose-gc --import THIS
// bin/salvo …`): every 5 s, a full garbage collection, then the process's memoryUsage() and the
// used size of V8's code space as one JSON line appended to $SALVO_BENCH_HEAP_FILE. The heap
// used right after a full collection is the live heap, so a slow leak is not hidden under
// garbage not yet collected; the code space is told apart because the optimizing compiler keeps
// adding machine code for the first hundreds of scans (a heap snapshot diff shows only code
// objects growing then), which is warm-up, not a leak. On SIGUSR2, a heap snapshot written to
// $SALVO_BENCH_SNAPSHOT_DIR/snapshot-N.heapsnapshot (bench/monitor/census.ts reads them).
// Not part of Salvo.
import { appendFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const file = process.env.SALVO_BENCH_HEAP_FILE;
const snapshots = process.env.SALVO_BENCH_SNAPSHOT_DIR;
const gc = (globalThis as { gc?: () => void }).gc;
if (file) {
  setInterval(() => {
    gc?.();
    const m = process.memoryUsage();
    const code = getHeapSpaceStatistics()
      .filter((s) => s.space_name.startsWith('code'))
      .reduce((a, s) => a + s.space_used_size, 0);
    appendFileSync(
      file,
      `${JSON.stringify({ t: Date.now(), gc: gc !== undefined, rss: m.rss, heapUsed: m.heapUsed, code, heapTotal: m.heapTotal, external: m.external })}\n`,
    );
  }, 5000).unref();
}
if (snapshots) {
  let n = 0;
  process.on('SIGUSR2', () => {
    n += 1;
    // Written under another name first: the bench waits for the final name to appear.
    const to = join(snapshots, `snapshot-${n}.heapsnapshot`);
    renameSync(writeHeapSnapshot(`${to}.part`), to);
  });
}
