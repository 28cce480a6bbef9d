// What every transport shares: one deadline object per run (timeout or Ctrl-C), the raw outcome
// a runner produces, and the single place that turns it into a CommandResult.
import { constants } from 'node:os';
import type { CommandResult, FailureKind, RunOptions } from './types.js';

export type StopKind = 'timeout' | 'aborted';

/** A run's stop condition: the per-command timeout or the caller's AbortSignal, whichever first. */
export class Deadline {
  private readonly timer?: NodeJS.Timeout;
  private readonly outer?: AbortSignal;
  private readonly onOuterAbort = (): void => this.stop('aborted');
  private stopKind?: StopKind;
  private resolveStop: (kind: StopKind) => void = () => undefined;
  /** Resolves with the reason once stopped; never rejects. */
  readonly stopped: Promise<StopKind>;

  constructor(readonly options: RunOptions = {}) {
    this.stopped = new Promise((resolve) => {
      this.resolveStop = resolve;
    });
    this.outer = options.signal;
    if (this.outer?.aborted) {
      this.stop('aborted');
    } else {
      this.outer?.addEventListener('abort', this.onOuterAbort, { once: true });
    }
    if (options.timeoutMs !== undefined && !this.kind) {
      this.timer = setTimeout(() => this.stop('timeout'), Math.max(0, options.timeoutMs));
    }
  }

  get kind(): StopKind | undefined {
    return this.stopKind;
  }

  /** Race `work` against the deadline: the work's value, or the stop reason. */
  race<T>(work: Promise<T>): Promise<{ value: T } | { stop: StopKind }> {
    if (this.stopKind) {
      return Promise.resolve({ stop: this.stopKind });
    }
    return Promise.race([
      work.then((value) => ({ value })),
      this.stopped.then((stop) => ({ stop })),
    ]);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.outer?.removeEventListener('abort', this.onOuterAbort);
  }

  private stop(kind: StopKind): void {
    if (this.stopKind) {
      return;
    }
    this.stopKind = kind;
    this.resolveStop(kind);
  }
}

/** What a runner (exec channel, shell session, local child) saw, before interpretation. */
export interface RawRun {
  exitCode: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  /** The deadline stopped it; the runner already tried to kill the process group. */
  stopped?: StopKind;
  /** Set when the kill could not be confirmed (host gone, pid never learnt). */
  killNote?: string;
  /** The channel or connection went away before an exit status arrived. */
  lost?: string;
  /** Output bytes not kept (the middle of a flood: markers.ts's OutputLimit). */
  dropped?: { stdout: number; stderr: number };
  /** Stopped before any process was started (still connecting, or waiting for a channel). */
  notStarted?: boolean;
}

export const EMPTY = Buffer.alloc(0);

export function stoppedBeforeStart(kind: StopKind): RawRun {
  return {
    exitCode: null,
    signal: null,
    stdout: EMPTY,
    stderr: EMPTY,
    stopped: kind,
    notStarted: true,
  };
}

/** `p`'s value if it comes within `ms`, else undefined. Clears its timer (no exit delay). */
export function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
      },
    );
  });
}

/** Resolves true if `p` settles within `ms`, false otherwise; never rejects. */
export function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  return within(
    p.then(
      () => true,
      () => true,
    ),
    ms,
  ).then((v) => v === true);
}

export interface ResultContext {
  host: string;
  command: string; // display form
  started: number; // Date.now() at the start of run()
  timeoutMs?: number;
}

export function toResult(ctx: ResultContext, raw: RawRun): CommandResult {
  const base = {
    host: ctx.host,
    command: ctx.command,
    exitCode: raw.exitCode,
    signal: raw.signal,
    stdout: raw.stdout.toString('utf8'),
    stderr: raw.stderr.toString('utf8'),
    durationMs: Date.now() - ctx.started,
    ...(raw.dropped && (raw.dropped.stdout || raw.dropped.stderr) ? { dropped: raw.dropped } : {}),
  };
  const failure = failureOf(ctx, raw);
  return failure ? { ...base, ok: false, failure } : { ...base, ok: true };
}

export function failedResult(
  ctx: ResultContext,
  kind: FailureKind,
  message: string,
): CommandResult {
  return {
    host: ctx.host,
    command: ctx.command,
    ok: false,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    durationMs: Date.now() - ctx.started,
    failure: { kind, message },
  };
}

function failureOf(ctx: ResultContext, raw: RawRun): CommandResult['failure'] {
  const note = raw.killNote ? `; ${raw.killNote}` : '';
  if (raw.stopped && raw.notStarted) {
    const what = raw.stopped === 'timeout' ? `timed out after ${ctx.timeoutMs ?? 0} ms` : 'aborted';
    return { kind: raw.stopped, message: `${what} before the command started (nothing ran)` };
  }
  if (raw.stopped === 'timeout') {
    return {
      kind: 'timeout',
      message: `timed out after ${ctx.timeoutMs ?? 0} ms; process group killed${note}`,
    };
  }
  if (raw.stopped === 'aborted') {
    return { kind: 'aborted', message: `aborted; process group killed${note}` };
  }
  if (raw.lost) {
    return { kind: 'unreachable', message: raw.lost };
  }
  if (raw.signal) {
    return { kind: 'signal', message: `killed by ${raw.signal}` };
  }
  if (raw.exitCode !== 0) {
    return { kind: 'nonzero', message: `exit code ${raw.exitCode ?? 'unknown'}` };
  }
  return undefined;
}

// First name wins: SIGABRT before its alias SIGIOT, SIGIO before SIGPOLL.
const SIGNAL_NAMES = new Map<number, string>();
for (const [name, n] of Object.entries(constants.signals)) {
  if (!SIGNAL_NAMES.has(n)) {
    SIGNAL_NAMES.set(n, name);
  }
}

/**
 * A shell's `$?` after `wait`: 128+N means the job died of signal N, as every POSIX shell reports
 * it. Used where only a status number is available (the shell session); the exec channel gets the
 * real exit-signal from sshd.
 */
export function fromShellStatus(status: number): {
  exitCode: number | null;
  signal: string | null;
} {
  const name = status > 128 ? SIGNAL_NAMES.get(status - 128) : undefined;
  return name ? { exitCode: null, signal: name } : { exitCode: status, signal: null };
}
