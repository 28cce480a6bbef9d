// Fakes for rollout tests without hosts: a small inventory builder, a service kind whose steps are
// data, and an executor that plays the fleet (unit states in memory, failures on demand).
import { unitId, type Health, type ServiceKind, type Unit } from '../../admin/services/types.js';
import type { HostSpec, Inventory, ServiceSpec } from '../../admin/inventory/types.js';
import { cmd, display, type Command } from '../../admin/transport/command.js';
import type { CommandResult, FailureKind } from '../../admin/transport/types.js';
import type { Executor, KindLookup } from '../../admin/rollout/types.js';

export interface HostDef {
  name: string;
  vmOn?: string;
}
export interface ServiceDef {
  kind: string;
  hosts: string[];
  instances?: number;
  options?: Record<string, unknown>;
}

const POS = { file: 'services.yaml', line: 1, col: 1 };

export function inventoryOf(
  hosts: HostDef[],
  services: ServiceDef[],
  dir = '/nonexistent',
): Inventory {
  const hostMap = new Map<string, HostSpec>(
    hosts.map((h) => [
      h.name,
      {
        name: h.name,
        n: null,
        address: h.name,
        vars: {},
        pos: POS,
        ...(h.vmOn ? { vmOn: h.vmOn } : {}),
      },
    ]),
  );
  const serviceMap = new Map<string, ServiceSpec>(
    services.map((s) => [
      s.kind,
      {
        kind: s.kind,
        hosts: s.hosts,
        hostsExpr: s.hosts.join(','),
        ports: {},
        pos: POS,
        options: { ...(s.instances ? { instances: s.instances } : {}), ...(s.options ?? {}) },
      },
    ]),
  );
  return {
    file: `${dir}/services.yaml`,
    dir,
    deployment: 'test',
    ports: {},
    ssh: {
      user: 'root',
      knownHosts: [],
      concurrency: 64,
      connectTimeoutMs: 1000,
      channelsPerConnection: 8,
    },
    hosts: hostMap,
    groups: new Map(),
    services: serviceMap,
    computeServers: new Map(),
  };
}

export interface FakeKindOptions {
  /** Placement the kind reports (the engine fills in what is missing from the services file). */
  placement?: (host: string, instance: number) => Unit['placement'];
  gate?: ServiceKind['gate'];
}

/** Steps: restart = stop + start; upgrade = stop + install + start. Commands are `fake VERB ID`. */
export function fakeKind(kind: string, o: FakeKindOptions = {}): ServiceKind {
  const verbs = {
    start: ['start'],
    stop: ['stop'],
    restart: ['stop', 'start'],
    upgrade: ['stop', 'install', 'start'],
  };
  return {
    kind,
    units(inv, hosts) {
      const spec = inv.services.get(kind);
      if (!spec) {
        return [];
      }
      const n = typeof spec.options.instances === 'number' ? spec.options.instances : 1;
      return spec.hosts
        .filter((h) => !hosts || hosts.includes(h))
        .flatMap((host) =>
          Array.from({ length: n }, (_, instance) => ({
            service: kind,
            host,
            instance,
            placement: o.placement?.(host, instance) ?? {},
          })),
        );
    },
    plan(op, unit, _inv, opts) {
      return verbs[op].map((verb) => ({
        name: verb,
        host: unit.host,
        timeoutMs: 1000,
        command:
          verb === 'install'
            ? cmd('fake', verb, unitId(unit), opts.version ?? '')
            : cmd('fake', verb, unitId(unit)),
      }));
    },
    healthProbe(unit) {
      return { host: unit.host, command: cmd('probe', unitId(unit)) };
    },
    parseHealth(stdout, exitCode): Health {
      if (exitCode === null) {
        return { state: 'unhealthy', detail: 'no answer' };
      }
      const [state, version, ...log] = stdout.split('\n');
      return {
        state: state as Health['state'],
        ...(version ? { version } : {}),
        ...(log.length ? { logTail: log.join('\n') } : {}),
      };
    },
    gate: o.gate ?? { passes: 2, intervalMs: 1, timeoutMs: 100 },
  };
}

export function lookupOf(...kinds: ServiceKind[]): KindLookup {
  return (name) => kinds.find((k) => k.kind === name);
}

/** The failure a result carries: the given kind, else `nonzero` for a non-zero exit, else none. */
function failureOf(
  failure: FailureKind | undefined,
  exitCode: number | null,
): Pick<CommandResult, 'failure'> {
  if (failure) {
    return { failure: { kind: failure, message: failure } };
  }
  if (exitCode !== 0) {
    return { failure: { kind: 'nonzero', message: `exit ${exitCode}` } };
  }
  return {};
}

export function result(
  host: string,
  command: Command,
  exitCode: number | null,
  stdout = '',
  failure?: FailureKind,
): CommandResult {
  return {
    host,
    command: display(command),
    ok: exitCode === 0 && !failure,
    exitCode,
    signal: null,
    stdout,
    stderr: '',
    durationMs: 1,
    ...failureOf(failure, exitCode),
  };
}

/** The fleet in memory: which units run, which steps ran (in order), failures to inject. */
export class FakeFleet {
  readonly ran: string[] = []; // `fake start hub#0@h1` … in the order they ran
  readonly probes: string[] = [];
  readonly state = new Map<string, string>(); // unit id → running | stopped
  failStep = new Set<string>(); // `start hub#0@h1`: exit 1
  unreachable = new Set<string>(); // hosts
  unhealthy = new Set<string>(); // unit ids whose probe says unhealthy (with a log)
  flap = new Map<string, number>(); // unit id → probes that answer unhealthy first
  version = new Map<string, string>();
  delayMs = 0;
  /** Called after each step (not probe) with the count so far: tests interrupt mid-run here. */
  afterStep?: (count: number) => void;
  inFlight = 0;
  maxInFlight = 0;

  readonly exec: Executor = async (host, command, options) => {
    const [verb, id, extra] = command.parts.slice(1).map(String) as [string, string, string?];
    if (options.signal?.aborted) {
      return result(host, command, null, '', 'aborted');
    }
    if (this.unreachable.has(host)) {
      return result(host, command, null, '', 'unreachable');
    }
    if (String(command.parts[0]) === 'probe') {
      return this.probe(host, command, verb);
    }
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.delayMs) {
      await new Promise((r) => setTimeout(r, this.delayMs));
    }
    this.inFlight--;
    this.ran.push(`${verb} ${id}`);
    this.afterStep?.(this.ran.length);
    if (this.failStep.has(`${verb} ${id}`)) {
      return result(host, command, 1, 'boom');
    }
    if (verb === 'start') {
      this.state.set(id, 'running');
    }
    if (verb === 'stop') {
      this.state.set(id, 'stopped');
    }
    if (verb === 'install' && extra) {
      this.version.set(id, extra);
    }
    return result(host, command, 0);
  };

  private probe(host: string, command: Command, id: string): CommandResult {
    this.probes.push(id);
    const flaps = this.flap.get(id) ?? 0;
    if (flaps > 0) {
      this.flap.set(id, flaps - 1);
    }
    if (this.unhealthy.has(id) || flaps > 0) {
      return result(host, command, 0, `unhealthy\n\nlast log line of ${id}`);
    }
    return result(
      host,
      command,
      0,
      `${this.state.get(id) ?? 'stopped'}\n${this.version.get(id) ?? ''}`,
    );
  }

  count(step: string): number {
    return this.ran.filter((s) => s === step).length;
  }
}
