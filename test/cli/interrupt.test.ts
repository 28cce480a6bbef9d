// Ctrl-C and SIGTERM during a run, in a child process (the test runner has signal handlers of
// its own): the first signal aborts the work, which ends normally with exit code 130 or 143;
// a second one exits at once with that signal's code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const INTERRUPT = fileURLToPath(new URL('../../admin/cli/interrupt.js', import.meta.url));

// Works until aborted (then finishes its partial work: 300 ms), and exits with the code main() would return.
const CHILD = `
import { exitCodeAfterSignal, withInterrupt } from ${JSON.stringify(INTERRUPT)};
const out = await withInterrupt((signal) => new Promise((resolve) => {
  setInterval(() => undefined, 1000); // the remote work in flight (sockets) keeps a real run alive
  console.log('working');
  signal.addEventListener('abort', () => setTimeout(() => resolve('partial results'), 300));
}));
console.log(out, process.listenerCount('SIGTERM'), process.listenerCount('SIGINT'));
process.exit(exitCodeAfterSignal(130));
`;

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Send `first` once the child works, `second` (if any) once it has said it is stopping. */
function run(first: NodeJS.Signals, second?: NodeJS.Signals): Promise<Ended> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    if (stderr === '' && second) {
      child.kill(second);
    }
    stderr += String(d);
  });
  child.stdout.on('data', (d) => {
    if (stdout === '') {
      child.kill(first);
    }
    stdout += String(d);
  });
  return new Promise((done) => child.on('exit', (code) => done({ code, stdout, stderr })));
}

test('SIGTERM is handled like Ctrl-C: the work is aborted, ends with its partial results, exit 143', async () => {
  const r = await run('SIGTERM');
  assert.equal(r.code, 143, r.stderr);
  assert.equal(r.stdout, 'working\npartial results 0 0\n', 'handlers removed after the run');
  assert.match(r.stderr, /terminated \(SIGTERM\): stopping remote commands/);
});

test('Ctrl-C: exit 130, as before', async () => {
  const r = await run('SIGINT');
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stdout, /partial results/);
  assert.match(r.stderr, /interrupted: stopping remote commands \(Ctrl-C again to quit at once\)/);
});

test('a second signal quits at once, with its own code', async () => {
  const r = await run('SIGTERM', 'SIGTERM');
  assert.equal(r.code, 143);
  assert.doesNotMatch(r.stdout, /partial results/);
});
