// Run a local program (ip, umount, the per-host starter) and collect its output.
import { spawn } from 'node:child_process';
import { LabError } from '../errors.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `argv` with optional stdin text; never throws for a non-zero exit (see runOk). */
export function run(argv: readonly string[], input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const [file, ...args] = argv;
    if (!file) {
      return reject(new LabError('run: empty command'));
    }
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', (e) => reject(new LabError(`${file}: ${e.message}`, { cause: e })));
    child.on('close', (code, signal) =>
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }),
    );
    child.stdin.on('error', () => {
      /* the program may exit before reading everything */
    });
    child.stdin.end(input ?? '');
  });
}

/** Run `argv`; a non-zero exit becomes a LabError carrying `what` and the program's stderr. */
export async function runOk(
  what: string,
  argv: readonly string[],
  input?: string,
): Promise<RunResult> {
  const r = await run(argv, input);
  if (r.code !== 0) {
    throw new LabError(
      `${what}: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`,
    );
  }
  return r;
}

/**
 * Map with at most `limit` calls in flight; results keep the input order. After the first failure
 * no new item starts; the calls already running finish, then that first error is thrown.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        results[i] = await fn(items[i] as T);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) {
    throw failure.error;
  }
  return results;
}
