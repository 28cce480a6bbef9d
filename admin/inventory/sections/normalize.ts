// Stage 3: the checked sections → the Inventory's parts: defaults, node sets expanded, groups
// resolved, {n} filled in. A part whose section failed the schema is left out, and whatever
// would have been judged against it (e.g. "is this host defined?") is not judged.
import type { Checked } from '../schema/index.js';
import { report, type Ctx } from '../context.js';
import type { Scope } from '../expand.js';
import { GroupTable } from './groups.js';
import { normalizeMonitor } from './monitor.js';
import { checkHostPorts, normalizeHosts, type HostTable } from './hosts.js';
import { expandKeyed } from '../rules/index.js';
import { expandIn } from '../expand.js';
import { normalizeServices } from './services.js';
import { normalizeBackup, normalizeSsh, normalizeTinc } from './settings.js';
import type { HostAttrs } from '../schema/index.js';
import type { ComputeServerStatus, Inventory } from '../types.js';

/** The Inventory under construction; `known` says which parts are complete enough to judge by. */
export interface Draft
  extends Partial<Omit<Inventory, 'hosts' | 'groups' | 'services' | 'computeServers'>> {
  hosts: Inventory['hosts'];
  groups: Inventory['groups'];
  services: Inventory['services'];
  computeServers: Inventory['computeServers'];
  hostKeys: Map<string, string>; // host → the hosts key that defined it
  writtenServices: string[]; // every key under services, valid or not
  known: { hostAttrs: boolean }; // false: the hosts section has errors
}

export function normalize({ written, services, raw }: Checked, ctx: Ctx): Draft {
  const table = hostTable(written.hosts, raw.hosts, ctx);
  const hostNames = table ? new Set(table.hosts.keys()) : null;
  const groups = groupTable(written.groups, raw.groups, ctx, hostNames);
  const scope: Scope = { hosts: hostNames, groups };
  const ports = written.ports ?? (raw.ports == null ? {} : null); // null: the ports section has errors
  const draft: Draft = {
    file: ctx.absFile,
    dir: ctx.dir,
    deployment: written.deployment,
    hosts: table?.hosts ?? new Map(),
    hostKeys: table?.keyOf ?? new Map(),
    groups: groups?.resolveAll() ?? new Map(),
    services: normalizeServices(services, { ctx, scope, ports, deployment: written.deployment }),
    computeServers: computeServers(written.compute_servers, ctx, scope),
    writtenServices: Object.keys(written.services ?? {}),
    known: { hostAttrs: written.hosts !== undefined },
  };
  if (ports) {
    draft.ports = ports;
  }
  if (written.ssh) {
    draft.ssh = normalizeSsh(written.ssh, ctx);
  }
  if (written.tinc) {
    draft.tinc = normalizeTinc(written.tinc, {
      ctx,
      scope,
      hosts: draft.hosts,
      ports,
      deployment: written.deployment,
    });
  }
  if (written.backup) {
    draft.backup = normalizeBackup(written.backup, ctx);
  }
  if (written.lock) {
    const names = [written.lock.hosts]
      .flat()
      .flatMap(
        (expr, i) =>
          expandIn(
            ctx,
            expr,
            Array.isArray(written.lock!.hosts) ? ['lock', 'hosts', i] : ['lock', 'hosts'],
            'value',
            scope,
          ) ?? [],
      );
    const seen = new Set<string>();
    draft.lockHosts = names.filter((h) => !seen.has(h) && seen.add(h));
  }
  if (written.monitor) {
    draft.monitor = normalizeMonitor(written.monitor, {
      ctx,
      scope,
      services: Object.keys(written.services ?? {}),
      deployment: written.deployment,
      hasBackup: !!written.backup,
    });
  }
  return draft;
}

/**
 * When the hosts section fails the schema (one bad attribute), its keys still name the hosts:
 * keep checking node sets against those names rather than flag every reference as undefined.
 */
function hostTable(
  hosts: Record<string, HostAttrs | null> | undefined,
  raw: unknown,
  ctx: Ctx,
): HostTable | undefined {
  if (hosts) {
    const table = normalizeHosts(hosts, ctx);
    checkHostPorts(table, ctx);
    return table;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return undefined;
  }
  return normalizeHosts(Object.fromEntries(Object.keys(raw).map((k) => [k, null])), ctx);
}

/** No groups section: no groups. A groups section with errors: null, so no @name is judged. */
function groupTable(
  groups: Record<string, string> | undefined,
  raw: unknown,
  ctx: Ctx,
  hosts: ReadonlySet<string> | null,
): GroupTable | null {
  if (!groups && raw != null) {
    return null;
  }
  const exprs = new Map<string, string>();
  for (const [name, expr] of Object.entries(groups ?? {})) {
    if (/^\w[\w.-]*$/.test(name)) {
      exprs.set(name, expr);
    } else {
      report(
        ctx,
        ['groups', name],
        'a group name is letters, digits, _, . and - (it is written @name in node sets)',
        'key',
      );
    }
  }
  return new GroupTable(exprs, ctx, hosts);
}

type ComputeServers = Map<string, ComputeServerStatus>;

function computeServers(
  entries: Record<string, ComputeServerStatus> | undefined,
  ctx: Ctx,
  scope: Scope,
): ComputeServers {
  const byHost = expandKeyed(entries ?? {}, ['compute_servers'], ctx, scope);
  return new Map([...byHost].map(([host, { value }]) => [host, value]));
}
