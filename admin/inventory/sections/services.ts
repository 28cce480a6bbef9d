// The services section: each kind's hosts expanded (groups resolved), options normalized and
// its ports looked up in the ports block. File order is kept: it is the start order.
import { report, type Ctx } from '../context.js';
import { didYouMean } from '../rules/index.js';
import { expandIn, type Scope } from '../expand.js';
import { SERVICE_KINDS, type PortRole } from '../schema/index.js';
import { normalizeOptions } from '../schema/index.js';
import type { ServicePort, ServiceSpec } from '../types.js';

export type Ports = Record<string, number | number[]>;

interface Inputs {
  ctx: Ctx;
  scope: Scope;
  ports: Ports | null;
  deployment: string | undefined;
}

export function normalizeServices(
  entries: Map<string, Record<string, unknown>>,
  inputs: Inputs,
): Map<string, ServiceSpec> {
  const out = new Map<string, ServiceSpec>();
  for (const [kind, entry] of entries) {
    out.set(kind, normalizeService(kind, entry, inputs));
  }
  return out;
}

function normalizeService(
  kind: string,
  entry: Record<string, unknown>,
  { ctx, scope, ports, deployment }: Inputs,
): ServiceSpec {
  const roles = SERVICE_KINDS[kind]!.ports;
  const hostsExpr = entry.hosts as string;
  const hosts = expandIn(ctx, hostsExpr, ['services', kind, 'hosts'], 'value', scope) ?? [];
  const written = Object.fromEntries(
    Object.entries(entry).filter(([k]) => k !== 'hosts' && !roles.some((r) => r.option === k)),
  );
  return {
    kind,
    hosts,
    hostsExpr,
    options: normalizeOptions(written, { kind, hosts, deployment, ctx, scope }),
    ports: ports ? resolvePorts(kind, entry, roles, ports, ctx) : {},
    pos: ctx.locator.at(['services', kind], 'key'),
  };
}

function resolvePorts(
  kind: string,
  entry: Record<string, unknown>,
  roles: PortRole[],
  ports: Ports,
  ctx: Ctx,
): Record<string, ServicePort> {
  const out: Record<string, ServicePort> = {};
  const instances = typeof entry.instances === 'number' ? entry.instances : 1;
  for (const role of roles) {
    const explicit = entry[role.option] as string | undefined;
    const name = explicit ?? role.default;
    const value = ports[name];
    if (value === undefined) {
      reportMissingPort(kind, role, explicit, Object.keys(ports), ctx);
    } else if (Array.isArray(value) && role.perInstance && instances > 1) {
      const problem = `each instance needs its own port, but ports.${name} is a list; give it one base port`;
      report(ctx, ['services', kind, 'instances'], problem);
    } else {
      let numbers: number[];
      if (Array.isArray(value)) {
        numbers = value;
      } else if (role.perInstance) {
        numbers = spread(value, instances);
      } else {
        numbers = [value];
      }
      out[role.option] = { name, numbers };
    }
  }
  return out;
}

/** Instance i listens on base + i. */
function spread(base: number, instances: number): number[] {
  return Array.from({ length: instances }, (_, i) => base + i);
}

function reportMissingPort(
  kind: string,
  role: PortRole,
  explicit: string | undefined,
  names: string[],
  ctx: Ctx,
): void {
  if (explicit !== undefined) {
    const hint =
      didYouMean(explicit, names) || (names.length > 0 ? ` (ports: ${names.join(', ')})` : '');
    report(ctx, ['services', kind, role.option], `unknown port name \`${explicit}\`${hint}`);
  } else {
    const fix = `add it to the ports block, or set \`${role.option}:\` to one of its names`;
    report(ctx, ['services', kind], `needs port \`${role.default}\`: ${fix}`, 'key');
  }
}
