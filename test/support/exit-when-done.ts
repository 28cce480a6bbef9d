// Preloaded into every test file's process by `npm test` (node --import): once the file's tests
// are done, a process still alive after GRACE_MS is ended, and what kept it alive is printed (as a
// TAP comment). Node 20 holds every later file's report until a file's process exits, so one
// handle left open (a driver pool still reconnecting, a server never closed) used to stall the
// whole run with every test passed. The parent process is left alone: its reporters must finish.
import { after } from 'node:test';

const GRACE_MS = 10_000;

if (process.env.NODE_TEST_CONTEXT) {
  after(() => {
    const timer = setTimeout(() => {
      const left = process
        .getActiveResourcesInfo()
        .filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
      process.stderr.write(
        `${process.argv[1] ?? 'this test file'}: still running ${GRACE_MS / 1000} s after its tests, ended; open: ${left.join(', ') || 'nothing but stdio'}\n`,
      );
      process.exit();
    }, GRACE_MS);
    timer.unref();
  });
}
