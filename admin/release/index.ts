// Release scripts: an operator's checklist as code against the library (`salvo run FILE.ts`).
// Each `r.step(name, work)` is journaled; a failed or interrupted release resumes at its first
// unfinished step (`--resume`), earlier steps skipped. The whole release holds the operator lock
// of each deployment (the rollouts it starts run under it). A dry run opens the deployments as
// dry runs: every call reports what it would do, no host is contacted, nothing is journaled.
import { AdminError, UsageError } from '../errors.js';
import type { Deployment } from '../deployment/deployment.js';
import { withCancel } from '../deployment/cancel.js';
import { NodeSet } from '../deployment/node-set.js';
import {
  findRelease,
  loadRelease,
  newReleaseId,
  ReleaseJournal,
  whoAmI,
  type ReleaseState,
} from './journal.js';

export interface StepOptions {
  /** Do not fail the step when its result has failed or unreachable hosts. */
  allowFailures?: boolean;
}

/** What a release script receives. */
export interface Release {
  /** The first (or only) deployment given with -s. */
  dep: Deployment;
  /** Every deployment, by name (`r.deployments.storm`). */
  deployments: Record<string, Deployment>;
  dryRun: boolean;
  /** `--set key=value` parameters. */
  params: Record<string, string>;
  /**
   * One named step. Its result is returned; a result with failed, unreachable or aborted hosts
   * (or a rollout that did not end done) fails the step and stops the release, as a throw does.
   */
  step<T>(name: string, work: () => Promise<T> | T, options?: StepOptions): Promise<T>;
  /** A line in the release's output. */
  log(text: string): void;
}

export type ReleaseScript = (r: Release) => Promise<void> | void;

export type ReleaseEvent =
  | {
      kind: 'start';
      runId?: string;
      script: string;
      dryRun: boolean;
      resumed?: { from: string; done: number };
    }
  | { kind: 'step-start'; index: number; name: string }
  | { kind: 'step-skip'; index: number; name: string }
  | {
      kind: 'step-end';
      index: number;
      name: string;
      ok: boolean;
      durationMs: number;
      error?: string;
      value?: unknown;
    }
  | { kind: 'log'; text: string }
  | { kind: 'end'; state: ReleaseState; runId?: string; durationMs: number; failedStep?: string };

export interface RunReleaseOptions {
  script: ReleaseScript;
  scriptPath: string;
  sha256: string;
  deployments: Deployment[];
  dryRun?: boolean;
  /** A release id (or unique prefix, or `last`) to continue. */
  resume?: string;
  params?: Record<string, string>;
  signal?: AbortSignal;
  waitLock?: number | string | true;
  onEvent?: (e: ReleaseEvent) => void;
}

export interface ReleaseOutcome {
  state: ReleaseState;
  runId?: string;
  failedStep?: string;
  error?: unknown;
}

/** Thrown by `step` to stop the script after a failed step. */
class StepFailed extends AdminError {
  override name = 'StepFailed';
}

/** Why a step's result counts as failed, or undefined. */
export function failureOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) {
    return undefined;
  }
  const v = value as Record<string, unknown>;
  if ('request' in v && 'plan' in v && typeof v.state === 'string') {
    return v.state === 'done' || v.state === 'planned' ? undefined : `the rollout ended ${v.state}`;
  }
  const parts: string[] = [];
  for (const key of ['failed', 'unreachable', 'aborted']) {
    const set = v[key];
    if (set instanceof NodeSet && !set.empty) {
      parts.push(`${key}: ${set} (${set.size})`);
    }
  }
  return parts.length ? parts.join('; ') : undefined;
}

export async function runRelease(o: RunReleaseOptions): Promise<ReleaseOutcome> {
  const first = o.deployments[0];
  if (!first) {
    throw new UsageError('a release needs a services file');
  }
  const emit = o.onEvent ?? (() => undefined);
  const dir = first.inventory.dir;
  const dryRun = o.dryRun ?? false;
  const started = Date.now();
  const signal = o.signal ?? new AbortController().signal;

  let journal: ReleaseJournal | undefined;
  let done = new Map<number, string>();
  let runId: string | undefined;
  if (!dryRun && o.resume) {
    runId = findRelease(dir, o.resume);
    const past = loadRelease(dir, runId);
    if (past.state === 'done') {
      throw new UsageError(`release ${runId} is done; only an unfinished release can be resumed`);
    }
    if (past.header.sha256 !== o.sha256) {
      throw new UsageError(
        `release ${runId} cannot be resumed: ${o.scriptPath} changed since it started; run it anew`,
      );
    }
    done = past.done;
  }

  const deployments = Object.fromEntries(o.deployments.map((d) => [d.name, d]));
  let index = 0;
  let failedStep: string | undefined;
  const release: Release = {
    dep: first,
    deployments,
    dryRun,
    params: o.params ?? {},
    log: (text) => emit({ kind: 'log', text }),
    step: async <T>(name: string, work: () => Promise<T> | T, options: StepOptions = {}) => {
      const i = index++;
      if (done.get(i) === name) {
        emit({ kind: 'step-skip', index: i, name });
        return undefined as T;
      }
      if (signal.aborted) {
        throw new StepFailed('interrupted');
      }
      emit({ kind: 'step-start', index: i, name });
      journal?.write({ t: 'step-start', index: i, name });
      const t0 = Date.now();
      const end = (ok: boolean, error?: string, value?: unknown): void => {
        journal?.write({
          t: 'step-end',
          index: i,
          name,
          ok,
          durationMs: Date.now() - t0,
          ...(error ? { error } : {}),
        });
        emit({
          kind: 'step-end',
          index: i,
          name,
          ok,
          durationMs: Date.now() - t0,
          ...(error ? { error } : {}),
          ...(value !== undefined ? { value } : {}),
        });
      };
      let value: T;
      try {
        value = await work();
      } catch (err) {
        failedStep = name;
        end(false, signal.aborted ? 'interrupted' : messageOf(err));
        throw err;
      }
      let why: string | undefined;
      if (signal.aborted) {
        why = 'interrupted';
      } else if (!options.allowFailures) {
        why = failureOf(value);
      }
      if (why) {
        failedStep = name;
        end(false, why, value);
        throw new StepFailed(`step "${name}" failed: ${why}`);
      }
      end(true, undefined, value);
      return value;
    },
  };

  const body = async (): Promise<ReleaseOutcome> => {
    if (!dryRun) {
      if (runId) {
        journal = ReleaseJournal.append(dir, runId);
        journal.write({ t: 'attempt', ...whoAmI() });
      } else {
        runId = newReleaseId(o.scriptPath);
        journal = ReleaseJournal.create(dir, runId);
        journal.write({
          t: 'release',
          v: 1,
          runId,
          script: o.scriptPath,
          sha256: o.sha256,
          ...whoAmI(),
        });
      }
    }
    emit({
      kind: 'start',
      ...(runId ? { runId } : {}),
      script: o.scriptPath,
      dryRun,
      ...(o.resume && runId ? { resumed: { from: runId, done: done.size } } : {}),
    });
    let state: ReleaseState = 'done';
    let error: unknown;
    try {
      await withCancel(signal, () => o.script(release));
    } catch (err) {
      state = signal.aborted ? 'interrupted' : 'failed';
      error = err instanceof StepFailed ? undefined : err;
    }
    journal?.write({ t: 'end', state });
    journal?.close();
    emit({
      kind: 'end',
      state,
      ...(runId ? { runId } : {}),
      durationMs: Date.now() - started,
      ...(failedStep ? { failedStep } : {}),
    });
    return {
      state,
      ...(runId ? { runId } : {}),
      ...(failedStep ? { failedStep } : {}),
      ...(error ? { error } : {}),
    };
  };

  if (dryRun) {
    return body();
  }
  // Hold every deployment's lock for the whole release, the first one outermost.
  const locked = o.deployments.reduceRight<() => Promise<ReleaseOutcome>>(
    (inner, dep) => () =>
      dep.locked(`release ${o.scriptPath}`, inner, {
        signal,
        ...(o.waitLock !== undefined ? { waitLock: o.waitLock } : {}),
      }),
    body,
  );
  return locked();
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export { findRelease, loadRelease, releasesDir } from './journal.js';
export type { ReleaseState } from './journal.js';
