// The program a unit runs: the service's `command` option with {placeholders} filled in.
// Every argument stays one argument (quoted by cmd()), so a value can never become shell syntax.
import { ConfigError } from '../errors.js';
import type { Inventory, ServiceSpec } from '../inventory/types.js';
import { deploymentDir } from './layout.js';
import { unitId, type ServiceKind, type Unit } from './types.js';

/** A command option (`command`, cassandra's `nodetool`) as argv: a list as written, or a string split at spaces. */
export function commandOption(spec: ServiceSpec, key = 'command'): string[] | undefined {
  const c = spec.options[key];
  if (typeof c === 'string') {
    return c.split(/\s+/).filter(Boolean);
  }
  if (Array.isArray(c)) {
    return c.map(String);
  }
  return undefined;
}

/** The version a unit should run: an upgrade's, else the services file's. */
export function wantedVersion(spec: ServiceSpec, override?: string): string | undefined {
  if (override !== undefined) {
    return override;
  }
  return typeof spec.options.version === 'string' ? spec.options.version : undefined;
}

/** The version the services file asks of a unit: its kind's say (vm: the guest's base image), else the service's `version`. */
export function fileVersion(kind: ServiceKind, unit: Unit, inv: Inventory): string | undefined {
  if (kind.versions) {
    return kind.versions.file(unit, inv);
  }
  const spec = inv.services.get(unit.service);
  return spec ? wantedVersion(spec) : undefined;
}

/** A positive number option (`start_timeout`, `stop_timeout`), or the fallback. */
export function numberOption(spec: ServiceSpec, key: string, fallback: number): number {
  const v = spec.options[key];
  return typeof v === 'number' && v > 0 ? v : fallback;
}

/** Port number `option` of instance `i` (a list port such as internode gives its first). */
export function portOf(spec: ServiceSpec, option: string, instance: number): number | undefined {
  const numbers = spec.ports[option]?.numbers;
  return numbers?.[instance] ?? numbers?.[0];
}

function values(
  inv: Inventory,
  spec: ServiceSpec,
  unit: Unit,
  version?: string,
): Record<string, string | undefined> {
  const host = inv.hosts.get(unit.host);
  const ports = Object.fromEntries(
    Object.keys(spec.ports).map((o) => [o, portOf(spec, o, unit.instance)?.toString()]),
  );
  return {
    ...ports,
    instance: String(unit.instance),
    id: unitId(unit),
    host: unit.host,
    address: host?.address, // the underlay address (the host name when the file gives none)
    vpn: host?.vpn,
    n: host?.n === null || host?.n === undefined ? undefined : String(host.n),
    version,
    deployment: inv.deployment,
    dir: deploymentDir(inv.deployment),
  };
}

/** argv for `unit`, or a ConfigError (located at the service) naming what is missing. */
export function renderArgv(
  inv: Inventory,
  spec: ServiceSpec,
  unit: Unit,
  template: string[],
  version?: string,
): string[] {
  const vals = values(inv, spec, unit, version);
  return template.map((arg) =>
    arg.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = vals[name];
      if (v === undefined) {
        throw configError(
          spec,
          `${unitId(unit)}: {${name}} has no value here${name === 'version' ? ' (set `version:` or pass --version)' : ''}`,
        );
      }
      return v;
    }),
  );
}

export function configError(spec: ServiceSpec, message: string): ConfigError {
  return new ConfigError([{ ...spec.pos, message: `services.${spec.kind}: ${message}` }]);
}
