// Run a local program (ip, umount, the per-host starter) and collect its output (execa), and map
// over hosts a few at a time (p-limit).
import { execa } from 'execa';
import pLimit from 'p-limit';
import { LabError } from '../errors.js';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `argv` with optional stdin text; never throws for a non-zero exit (see runOk). */
export async function run(argv: readonly string[], input?: string): Promise<RunResult> {
  const [file, ...args] = argv;
  if (!file) {
    throw new LabError('run: empty command');
  }
  const r = await execa(file, args, {
    input: input ?? '',
    reject: false,
    stripFinalNewline: false,
  });
  if (r.exitCode === undefined && r.signal === undefined) {
    // Not started at all (no such program, not executable).
    const cause = r.cause instanceof Error ? r.cause : undefined;
    throw new LabError(`${file}: ${cause?.message ?? r.shortMessage}`, { cause });
  }
  return { code: r.exitCode ?? 128, stdout: r.stdout, stderr: r.stderr };
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
  let failure: { error: unknown } | undefined;
  const results = await pLimit(Math.max(1, limit)).map(items, async (item) => {
    if (failure) {
      return undefined;
    }
    try {
      return await fn(item);
    } catch (error) {
      failure ??= { error };
      return undefined;
    }
  });
  if (failure) {
    throw failure.error;
  }
  return results as R[];
}
