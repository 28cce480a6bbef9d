// The health gate: probe a unit until it reports the expected state `passes` times in a row, or
// give up after `timeoutMs`. One flapping reading resets the count (a fixed sleep proves nothing).
import { isUnreachable } from '../fleet/outcome.js';
import type { Inventory } from '../inventory/types.js';
import type { Health } from '../services/types.js';
import { display } from '../transport/command.js';
import type { CommandResult } from '../transport/types.js';
import type { Executor, GateSpec, PlannedUnit } from './types.js';

export type GateOutcome =
  | { ok: true; passes: number; durationMs: number; health: Health }
  | {
      ok: false;
      reason: string;
      durationMs: number;
      health?: Health;
      interrupted: boolean;
      unreachable: boolean;
    };

/** Resolves false when the signal fires first. */
export function pause(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      return resolve(false);
    }
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = (): void => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Why `h` does not satisfy the gate, or undefined if it does. */
export function unmet(h: Health, gate: GateSpec): string | undefined {
  if (h.state !== gate.expect) {
    return `${h.state}${h.detail ? `: ${h.detail}` : ''} (want ${gate.expect})`;
  }
  if (gate.version && h.version !== undefined && h.version !== gate.version) {
    return `version ${h.version} (want ${gate.version})`;
  }
  if (gate.peersUp && h.peersNotUp?.length) {
    return `it sees peers not up: ${h.peersNotUp.join(', ')} (want the whole ring up before the next node)`;
  }
  return undefined;
}

/**
 * One probe; a host we cannot reach reads as unhealthy, with the reason. `gate`: the kind's gate
 * probe (if it has one) and, on a `running` reading, its confirmation from the admin machine.
 */
export async function probeOnce(
  pu: PlannedUnit,
  inv: Inventory,
  exec: Executor,
  timeoutMs: number,
  signal?: AbortSignal,
  gate = false,
): Promise<{ health: Health; result: CommandResult }> {
  const kind = pu.kind;
  const probe = (gate && kind.gateProbe ? kind.gateProbe : kind.healthProbe)(pu.unit, inv);
  const result = await exec(probe.host, probe.command, { timeoutMs, signal });
  if (result.failure && isUnreachable(result)) {
    return {
      result,
      health: {
        state: 'unhealthy',
        detail: `${probe.host} unreachable: ${result.failure.message}`,
      },
    };
  }
  const health = kind.parseHealth(result.stdout, result.exitCode);
  if (gate && health.state === 'running' && kind.confirmRunning) {
    const c = kind.confirmRunning(pu.unit, inv);
    const r = await exec(c.host, c.command, { timeoutMs, signal });
    if (!r.ok) {
      const why = r.stderr.trim().split('\n').pop() || r.failure?.message || `exit ${r.exitCode}`;
      return {
        result: r,
        health: {
          ...health,
          state: 'unhealthy',
          detail: `${probe.host} reads it running, but \`${display(c.command)}\` on ${c.host} failed: ${why}`,
        },
      };
    }
  }
  return { result, health };
}

/** After each probe of a gate: the passes so far and, when the reading did not pass, why. */
export type GateProbe = { passes: number; durationMs: number; reason?: string };

export async function waitGate(
  pu: PlannedUnit,
  gate: GateSpec,
  inv: Inventory,
  exec: Executor,
  signal?: AbortSignal,
  onProbe?: (p: GateProbe) => void,
): Promise<GateOutcome> {
  const started = Date.now();
  const elapsed = (): number => Date.now() - started;
  let passes = 0;
  let last: Health | undefined;
  let lastReason = 'no probe answered';
  let unreachable = false;
  for (;;) {
    const left = gate.timeoutMs - elapsed();
    const { health, result } = await probeOnce(pu, inv, exec, Math.max(1000, left), signal, true);
    if (signal?.aborted || result.failure?.kind === 'aborted') {
      return {
        ok: false,
        reason: 'interrupted',
        durationMs: elapsed(),
        interrupted: true,
        unreachable: false,
      };
    }
    last = health;
    unreachable = isUnreachable(result);
    const why = unmet(health, gate);
    passes = why ? 0 : passes + 1;
    if (why) {
      lastReason = why;
    }
    onProbe?.({ passes, durationMs: elapsed(), ...(why ? { reason: why } : {}) });
    if (passes >= gate.passes) {
      return { ok: true, passes, durationMs: elapsed(), health };
    }
    if (elapsed() + gate.intervalMs > gate.timeoutMs) {
      break;
    }
    if (!(await pause(gate.intervalMs, signal))) {
      return {
        ok: false,
        reason: 'interrupted',
        durationMs: elapsed(),
        interrupted: true,
        unreachable: false,
      };
    }
  }
  const reason = `not ${gate.expect} ${gate.passes}× in a row within ${Math.round(gate.timeoutMs / 1000)}s: ${lastReason}`;
  return {
    ok: false,
    reason,
    durationMs: elapsed(),
    health: last,
    interrupted: false,
    unreachable,
  };
}
