// Plan (pure): from what the operator asked, the batches of units and each unit's steps and gate.
// Nothing here touches a host; `--dry-run` prints exactly this and stops.
import { UsageError } from '../../errors.js';
import { didYouMean } from '../../inventory/rules/index.js';
import type { Inventory } from '../../inventory/types.js';
import { NotYetSupported } from '../../services/hooks.js';
import { unitId, type Operation, type ServiceKind } from '../../services/types.js';
import { backendTotals, batchUnits, placementOf } from './placement.js';
import { resolveBatch, resolveSize } from './size.js';
import { fileVersion } from '../../services/argv.js';
import { quote } from '../../transport/command.js';
import type { Batch, GateSpec, KindLookup, Plan, PlannedUnit, RolloutRequest } from '../types.js';

/** `--rolling` means one unit at a time with health gates, whatever else was typed. */
export function normalizeRequest(r: RolloutRequest): RolloutRequest {
  return r.rolling ? { ...r, batch: { kind: 'count', n: 1 }, wait: true } : r;
}

/**
 * `hosts`: the -H node set already expanded (undefined: every host of each service).
 * `all` starts services in file order and stops them in reverse. `restart all` restarts service by
 * service in file order, each in its own batches, so the deployment stays up where batching allows;
 * a cold restart is `stop all` then `start all`.
 */
export function buildPlan(
  inv: Inventory,
  kinds: KindLookup,
  request: RolloutRequest,
  hosts?: string[],
): Plan {
  const req = normalizeRequest(request);
  if (req.op === 'upgrade' && !req.options.version) {
    throw new UsageError('upgrade needs --version V');
  }
  const skipped: Plan['skipped'] = [];
  const groups: PlannedUnit[][] = [];
  for (const service of servicesFor(inv, kinds, req)) {
    const kind = kinds(service);
    const units = kind ? plannedUnits(inv, kind, req, hosts) : 'no service kind for it';
    if (typeof units === 'string') {
      if (req.target !== 'all') {
        throw new UsageError(`${service}: ${units}`);
      }
      skipped.push({ service, reason: units });
    } else if (units.length) {
      groups.push(units);
    } else if (req.target !== 'all') {
      throw new UsageError(`${service} runs on none of ${req.hosts ?? 'its hosts'}`);
    } else {
      skipped.push({ service, reason: `not on ${req.hosts}` });
    }
  }
  const batches = groups.flatMap((units) => batchesOf(inv, units, req));
  batches.forEach((b, i) => {
    b.index = i;
  });
  const total = groups.reduce((n, g) => n + g.length, 0);
  if (total === 0) {
    throw new UsageError('nothing to do: no service in the plan has a unit on these hosts');
  }
  const notes = versionNotes(inv, req, groups.flat());
  return {
    request: req,
    batches,
    units: total,
    budget: resolveSize(req.budget, total, 0),
    skipped,
    ...(notes.length ? { notes } : {}),
  };
}

/**
 * A restart starts again the version each unit runs (request.options.versions, read from the
 * hosts): said, per service, where that is not the services file's, with the command that would
 * switch it.
 */
function versionNotes(inv: Inventory, req: RolloutRequest, units: PlannedUnit[]): string[] {
  const versions = req.options.versions;
  if (req.op !== 'restart' || !versions) {
    return [];
  }
  // Per service, per (running, file) pair: the units, and the flag that would switch them.
  const groups = new Map<string, { running: string; file?: string; flag: string; ids: string[] }>();
  for (const u of units) {
    const running = versions[u.id];
    if (running === undefined) {
      continue;
    }
    const file = fileVersion(u.kind, u.unit, inv);
    const key = JSON.stringify([u.unit.service, running, file ?? null]);
    const flag = u.kind.versions?.flag ?? '--version';
    const g = groups.get(key) ?? { running, ...(file ? { file } : {}), flag, ids: [] };
    g.ids.push(u.id);
    groups.set(key, g);
  }
  return [...groups.values()].map(({ running, file, flag, ids }) => {
    const service = units.find((u) => u.id === ids[0])!.unit.service;
    const who =
      ids.length === 1
        ? `${ids[0]} runs`
        : `${ids.length} units of ${service} (${ids.join(', ')}) run`;
    const says = file ? `, the services file says ${file}` : '';
    const hint = file ? `; to switch, salvo upgrade ${service} ${flag} ${quote(file)}` : '';
    return `${who} ${running}${says}: restart keeps ${running}${hint}`;
  });
}

/** Services of the file, or one named service: one in the file, or a kind with units of its own (tinc). */
function servicesFor(inv: Inventory, kinds: KindLookup, req: RolloutRequest): string[] {
  const names = [...inv.services.keys()];
  if (req.target === 'all') {
    if (req.op === 'upgrade') {
      throw new UsageError('upgrade takes one service: salvo upgrade SERVICE --version V');
    }
    return req.op === 'stop' ? names.reverse() : names;
  }
  if (!inv.services.has(req.target) && !kinds(req.target)?.units(inv).length) {
    const known = names.length ? `; the services file has: ${names.join(', ')}` : '';
    throw new UsageError(
      `no service \`${req.target}\` in ${inv.file}${didYouMean(req.target, names)}${known}`,
    );
  }
  return [req.target];
}

/** The kind's units with their steps, or why the kind cannot carry out this operation yet. */
function plannedUnits(
  inv: Inventory,
  kind: ServiceKind,
  req: RolloutRequest,
  hosts?: string[],
): PlannedUnit[] | string {
  try {
    return unitsWithSteps(inv, kind, req, hosts);
  } catch (err) {
    if (err instanceof NotYetSupported) {
      return err.message;
    }
    throw err;
  }
}

function unitsWithSteps(
  inv: Inventory,
  kind: ServiceKind,
  req: RolloutRequest,
  hosts?: string[],
): PlannedUnit[] {
  return kind.units(inv, hosts).map((unit) => ({
    id: unitId(unit),
    unit,
    kind,
    steps: kind.plan(req.op, unit, inv, req.options),
    ...(req.wait
      ? {
          gate: gateFor(
            kind,
            req.op,
            req.op === 'restart' ? req.options.versions?.[unitId(unit)] : req.options.version,
            gateOverrides(inv, kind.kind),
          ),
        }
      : {}),
  }));
}

type GateTiming = ServiceKind['gate'];

/** The services file's `gate:` for this service (seconds there, ms here); {} when it has none. */
export function gateOverrides(inv: Inventory, service: string): Partial<GateTiming> {
  const g = inv.services.get(service)?.options.gate as
    | { passes?: number; interval?: number; timeout?: number }
    | undefined;
  if (!g) {
    return {};
  }
  return {
    ...(g.passes !== undefined ? { passes: g.passes } : {}),
    ...(g.interval !== undefined ? { intervalMs: g.interval * 1000 } : {}),
    ...(g.timeout !== undefined ? { timeoutMs: g.timeout * 1000 } : {}),
  };
}

export function gateFor(
  kind: ServiceKind,
  op: Operation,
  version?: string,
  overrides: Partial<GateTiming> = {},
): GateSpec {
  return {
    expect: op === 'stop' ? 'stopped' : 'running',
    // upgrade: the new version; restart: the version it keeps (when not the file's).
    ...((op === 'upgrade' || op === 'restart') && version ? { version } : {}),
    ...(kind.ringGate && (op === 'restart' || op === 'upgrade') ? { peersUp: true } : {}),
    ...kind.gate,
    ...overrides,
  };
}

/** One service's units in batches; placement is judged against all of the service's units. */
function batchesOf(inv: Inventory, units: PlannedUnit[], req: RolloutRequest): Batch[] {
  const kind = units[0]!.kind;
  const all = kind.units(inv).map((u) => placementOf(unitId(u), u, inv));
  const totals = backendTotals(all);
  const placed = units.map((pu) => ({ ...placementOf(pu.id, pu.unit, inv), pu }));
  const size = resolveBatch(req.batch, units.length);
  return batchUnits(placed, size, totals, !req.ignorePlacement, perHostOf(inv, req, kind.kind)).map(
    (b) => ({
      index: 0,
      service: units[0]!.unit.service,
      op: req.op,
      units: b.members.map((m) => m.pu),
      ...(b.splitBy.length ? { splitBy: b.splitBy } : {}),
    }),
  );
}

/**
 * Units of one physical host a batch may hold: `--per-host N`, else for start and stop the
 * service's `per_host` (vm: guests booted at once per physical host), else 1.
 */
export function perHostOf(inv: Inventory, req: RolloutRequest, service: string): number {
  if (req.perHost !== undefined) {
    return req.perHost;
  }
  const fromFile = inv.services.get(service)?.options.per_host;
  if ((req.op === 'start' || req.op === 'stop') && typeof fromFile === 'number') {
    return fromFile;
  }
  return 1;
}
