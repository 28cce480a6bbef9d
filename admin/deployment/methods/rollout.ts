// start/stop/restart/upgrade, plan, resume, runs: rollouts planned, run under the lock and
// journaled (admin/rollout/), with each subsystem's preparation and check around a run.
import type { RolloutDeps } from '../../rollout/rollout.js';
import type { RunSummary } from '../../rollout/journal/runs.js';
import type { PlanView } from '../../rollout/plan/plan-view.js';
import type { RolloutRequest, RolloutResult } from '../../rollout/types.js';
import { currentSignal } from '../cancel.js';
import { NodeSet } from '../node-set.js';
import { operationResult, type OperationResult } from '../results.js';
import { subsystems } from '../subsystems.js';
import { kindsOf, planned, runner, waitLockMs, type Inner } from './inner.js';
import type { CallOptions, RunOptions } from './options.js';

export async function rollout(
  inner: Inner,
  request: RolloutRequest,
  options: RunOptions,
): Promise<OperationResult> {
  const d = inner.dep;
  if (!d.dryRun) {
    request = await d.withRunningVersions(request, options);
  }
  const { request: asPlanned, plan } = await d.planRequest(request);
  if (d.dryRun) {
    planned(d, describeRequest(asPlanned, plan), planDetail(plan), options);
    return operationResult(asPlanned, plan);
  }
  if (options.dryRun) {
    d.emit('rollout', { kind: 'plan', request: asPlanned, plan, dryRun: true }, options);
    return operationResult(asPlanned, plan);
  }
  // Overlapped with taking the lock (each is a round trip, often to the same host); the run
  // awaits it under the lock before anything is journaled or started.
  const ready = beforeRollout(inner, plan);
  ready.catch(() => undefined); // handled: it is awaited (and its error thrown) under the lock
  let result: RolloutResult;
  try {
    const { runRollout } = await import('../../rollout/rollout.js');
    result = await runRollout(await d.rolloutDeps(), request, {
      ...rolloutOptions(inner, options),
      ready,
    });
  } catch (err) {
    await ready.catch(() => undefined); // settled before the caller closes the connections
    throw err;
  }
  await afterRollout(inner, plan, result);
  return operationResult(asPlanned, plan, result);
}

export async function withRunningVersions(
  inner: Inner,
  request: RolloutRequest,
  options: CallOptions,
): Promise<RolloutRequest> {
  const d = inner.dep;
  if (request.op !== 'restart' || request.options.versions) {
    return request;
  }
  const { plan } = await d.planRequest(request);
  const { runningVersions } = await import('../running-versions.js');
  const signal = currentSignal(options.signal);
  const versions = await runningVersions(runner(d, options), d.inventory, plan, signal);
  return Object.keys(versions).length
    ? { ...request, options: { ...request.options, versions } }
    : request;
}

export async function resume(
  inner: Inner,
  run: string,
  options: RunOptions,
): Promise<OperationResult> {
  const d = inner.dep;
  const { resumeRollout } = await import('../../rollout/rollout.js');
  const { findRun, loadRun } = await import('../../rollout/journal/runs.js');
  const runId = findRun(d.inventory.dir, run);
  const past = loadRun(d.inventory.dir, runId);
  if (d.dryRun || options.dryRun) {
    const { plan } = await d.planRequest(past.header.request);
    planned(d, `resume(${JSON.stringify(runId)})`, planDetail(plan), options);
    return operationResult(past.header.request, plan);
  }
  await beforeRollout(inner, (await d.planRequest(past.header.request)).plan);
  const result = await resumeRollout(await d.rolloutDeps(), runId, rolloutOptions(inner, options));
  await afterRollout(inner, past.header.plan, result);
  return operationResult(past.header.request, past.header.plan, result);
}

/** Each subsystem's check once a run has finished every unit (admin/deployment/subsystems.ts). */
async function afterRollout(inner: Inner, plan: PlanView, result: RolloutResult): Promise<void> {
  if (result.state !== 'done') {
    return;
  }
  for (const s of subsystems()) {
    await s.afterRollout?.(inner.dep, plan, result);
  }
}

/** Each subsystem's preparation for a plan about to run (admin/deployment/subsystems.ts). */
async function beforeRollout(inner: Inner, plan: PlanView): Promise<void> {
  for (const s of subsystems()) {
    await s.beforeRollout?.(inner.dep, plan);
  }
}

export async function runs(inner: Inner): Promise<RunSummary[]> {
  const { listRuns } = await import('../../rollout/journal/runs.js');
  return listRuns(inner.dep.inventory.dir);
}

export async function rolloutDeps(inner: Inner): Promise<RolloutDeps> {
  const d = inner.dep;
  const kinds = await kindsOf(inner.options);
  const locker = await inner.operatorLock.locker();
  return {
    inv: d.inventory,
    exec: async (host, command, o) => (await d.quietExec([host], command, o))[0]!,
    kinds,
    nodes: (e) => d.nodes(e),
    ...(locker ? { locker } : {}),
  };
}

export async function planRequest(
  inner: Inner,
  request: RolloutRequest,
): Promise<{ request: RolloutRequest; plan: PlanView }> {
  const d = inner.dep;
  const { planRollout } = await import('../../rollout/rollout.js');
  const { viewPlan } = await import('../../rollout/plan/plan-view.js');
  const kinds = await kindsOf(inner.options);
  const plan = planRollout(
    { inv: d.inventory, kinds, nodes: (e) => d.nodes(e), exec: notUsed },
    request,
  );
  return { request: plan.request, plan: viewPlan(plan) };
}

function rolloutOptions(inner: Inner, options: RunOptions) {
  const signal = currentSignal(options.signal);
  const onEvent = inner.dep.listenerFor('rollout', options);
  return {
    ...(signal ? { signal } : {}),
    ...(onEvent ? { onEvent } : {}),
    waitLockMs: waitLockMs(options.waitLock),
  };
}

const notUsed = (): never => {
  throw new Error('planning runs no command');
};

/** `upgrade("hub", { version: "1.1.0", rolling: true })`: the call, with what shapes its plan. */
function describeRequest(r: RolloutRequest, plan: PlanView): string {
  const o: string[] = [];
  if (r.hosts) {
    o.push(`hosts: ${JSON.stringify(r.hosts)}`);
  }
  if (r.options.version) {
    o.push(`version: ${JSON.stringify(r.options.version)}`);
  }
  if (r.rolling) {
    o.push('rolling: true');
  }
  if (!r.wait) {
    o.push('wait: false');
  }
  const call = `${r.op}(${JSON.stringify(r.target)}${o.length ? `, { ${o.join(', ')} }` : ''})`;
  return `${call}: ${plan.units} unit(s) in ${plan.batches.length} batch(es)`;
}

function planDetail(plan: PlanView): string[] {
  return plan.batches.map(
    (b) =>
      `batch ${b.index + 1}: ${b.op} ${b.service} on ${new NodeSet(b.units.map((u) => u.host))} (${b.units.length} unit${b.units.length === 1 ? '' : 's'})`,
  );
}
