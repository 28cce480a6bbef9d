// Helpers for the services integration tests: run a kind's plan step by step (a minimal stand-in
// for the rollout engine, so these tests exercise the kinds alone), and probe units.
import type { Deployment } from '../../../admin/deployment/deployment.js';
import { display } from '../../../admin/transport/command.js';
import {
  selectUnits,
  unitId,
  type Operation,
  type OperationOptions,
  type Unit,
} from '../../../admin/services/index.js';
import { probeUnits, type UnitStatus } from '../../../admin/services/observe.js';

export interface StepRun {
  name: string;
  host: string;
  ok: boolean;
  output: string;
}

/** Run `op` on every unit of `service` (optionally on `hosts`), unit after unit; stop at a failure. */
export async function runOp(
  dep: Deployment,
  op: Operation,
  service: string,
  opts: OperationOptions & { hosts?: string[] } = {},
): Promise<StepRun[]> {
  const runs: StepRun[] = [];
  for (const { kind, unit } of selectUnits(dep.inventory, service, opts.hosts)) {
    for (const step of kind.plan(op, unit, dep.inventory, opts)) {
      const [r] = await dep.exec([step.host], step.command, { timeoutMs: step.timeoutMs });
      const run = {
        name: `${unitId(unit)}: ${step.name}`,
        host: step.host,
        ok: r!.ok,
        output: (r!.stdout + r!.stderr).trim(),
      };
      runs.push(run);
      if (process.env.SALVO_TEST_VERBOSE) {
        console.error(
          `[${run.ok ? 'ok' : 'FAIL'}] ${run.name} @${run.host}: ${run.output}\n  $ ${display(step.command).slice(0, 200)}`,
        );
      }
      if (!r!.ok) {
        return runs;
      }
    }
  }
  return runs;
}

export async function statusOf(
  dep: Deployment,
  service: string,
  hosts?: string[],
): Promise<UnitStatus[]> {
  return probeUnits(dep, dep.inventory, selectUnits(dep.inventory, service, hosts));
}

export async function unitStatus(
  dep: Deployment,
  unit: Pick<Unit, 'service' | 'host' | 'instance'>,
): Promise<UnitStatus> {
  const all = await statusOf(dep, unit.service, [unit.host]);
  const found = all.find((s) => s.unit.instance === unit.instance);
  if (!found) {
    throw new Error(`no unit ${unit.service}#${unit.instance}@${unit.host}`);
  }
  return found;
}

export const failures = (runs: StepRun[]): StepRun[] => runs.filter((r) => !r.ok);
