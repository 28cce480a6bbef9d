// Typed progress events of a rollout. The engine emits them; the CLI and REPL render them
// (admin/cli/render/rollout/rollout.ts), the journal records the ones a resume needs.
import type { Health, Operation } from '../services/types.js';
import type { FailureKind } from '../transport/types.js';
import type { LockHolder } from '../errors.js';
import type { PlanView } from './plan/plan-view.js';
import type { RolloutRequest, RolloutResult, UnitFailure } from './types.js';

export type RolloutEvent =
  | { kind: 'plan'; runId?: string; request: RolloutRequest; plan: PlanView; dryRun: boolean }
  | { kind: 'lock-wait'; holder: LockHolder | undefined; lockHost: string }
  | { kind: 'lock-acquired'; lockHost: string }
  | { kind: 'lock-lost'; reason: string }
  | {
      kind: 'resume';
      runId: string;
      done: string[];
      failed: string[];
      partial: { unit: string; fromStep: number }[];
      /** Unreadable journal lines that were skipped, and the torn tail cut before appending. */
      damage?: string[];
    }
  | {
      kind: 'batch-start';
      index: number;
      total: number;
      service: string;
      op: Operation;
      units: string[];
    }
  | {
      kind: 'step-start';
      unit: string;
      step: number;
      steps: number;
      name: string;
      host: string;
      command: string;
    }
  | {
      kind: 'step-end';
      unit: string;
      step: number;
      name: string;
      host: string;
      ok: boolean;
      exitCode: number | null;
      durationMs: number;
      failure?: { kind: FailureKind; message: string };
      output: string;
    }
  | {
      // After each probe of a health gate: what it waits for, how long so far, why not yet.
      kind: 'gate-wait';
      unit: string;
      expect: Health['state'];
      need: number;
      passes: number;
      durationMs: number;
      timeoutMs: number;
      reason?: string;
    }
  | { kind: 'gate-pass'; unit: string; passes: number; durationMs: number; health: Health }
  | { kind: 'gate-fail'; unit: string; durationMs: number; reason: string; health?: Health }
  | { kind: 'unit-done'; unit: string }
  | { kind: 'quarantined'; failure: UnitFailure; failures: number; budget: number }
  | { kind: 'budget-exceeded'; failures: number; budget: number; notStarted: string[] }
  | { kind: 'done'; result: RolloutResult; durationMs: number };

export type RolloutListener = (event: RolloutEvent) => void;
