// A deployment opened from its services file: the object the CLI, the REPL (`storm.exec(...)`),
// release scripts and the monitor act on. Owns one transport pool, so connections are reused for
// its whole life. Every method returns a value and reports progress as events; none prints.
import { loadInventory } from '../inventory/load.js';
import { expandNodeSet } from '../inventory/nodeset.js';
import type { Inventory } from '../inventory/types.js';
import { fanout, type FanoutOptions } from '../fleet/fanout.js';
import type { RolloutDeps } from '../rollout/rollout.js';
import type { RunSummary } from '../rollout/journal/runs.js';
import type { PlanView } from '../rollout/plan/plan-view.js';
import type { RolloutRequest } from '../rollout/types.js';
import type { Locker } from '../rollout/lock/lock.js';
import type { Operation } from '../services/types.js';
import type { Command } from '../transport/command.js';
import type { Script } from '../transport/script.js';
import type { CloseOptions, SshTarget } from '../transport/types.js';
import { TransportPool } from '../transport/pool.js';
import { KnownHosts } from '../transport/hostkeys/index.js';
import { currentSignal } from './cancel.js';
import type { DeploymentEvent, DeploymentEventMap, DeploymentListener } from './events.js';
import { OperatorLock } from './lock.js';
import type { LogLine, LogsResult } from './logs.js';
import { NodeSet, type Target } from './node-set.js';
import { rolloutRequest, type OperationOptions } from './request.js';
import { ExecResult, type DiffReport, type OperationResult, type StatusReport } from './results.js';
import { subsystems, type Subsystems } from './subsystems.js';
import { targetResolver } from './targets.js';
import type { WaitOptions } from './wait.js';
import * as execs from './methods/exec.js';
import type { Inner } from './methods/inner.js';
import { waitLockMs } from './methods/inner.js';
import * as observe from './methods/observe.js';
import type {
  CallOptions,
  ExecOptions,
  HostsOption,
  OpenOptions,
  QuietOptions,
  RunOptions,
  TransferCallOptions,
} from './methods/options.js';
import * as rollouts from './methods/rollout.js';
import './subsystems/index.js';

export type {
  CallOptions,
  ExecOptions,
  HostsOption,
  OpenOptions,
  RunOptions,
  TransferCallOptions,
} from './methods/options.js';

/** The methods the subsystems add (`dep.tinc`, later `dep.cassandra` …) are typed from here. */
export interface Deployment extends Subsystems {}

// The methods are the API; each capability's code lives in methods/ (exec.ts: commands and files
// on hosts; rollout.ts: start/stop/restart/upgrade/resume; observe.ts: status, diff, logs, waits).
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merge is the point: the registry (subsystems.ts) installs each subsystem's property in the constructor, the interface above types it
export class Deployment {
  private readonly listeners = new Set<DeploymentListener>();
  private readonly resolveTarget: (name: string) => Promise<SshTarget>;
  private readonly operatorLock: OperatorLock;
  /** What the method modules (methods/) act through, privates included. */
  private readonly inner: Inner;
  readonly dryRun: boolean;

  private constructor(
    readonly inventory: Inventory,
    readonly pool: TransportPool,
    options: OpenOptions,
  ) {
    this.dryRun = options.dryRun ?? false;
    this.resolveTarget = targetResolver(inventory, options.user ? { user: options.user } : {});
    if (options.onEvent) {
      this.listeners.add(options.onEvent);
    }
    this.operatorLock = new OperatorLock(() => this.fleetLock(this.name));
    this.inner = {
      dep: this,
      options,
      operatorLock: this.operatorLock,
      resolveTarget: this.resolveTarget,
    };
    for (const s of subsystems()) {
      let made: object | undefined;
      Object.defineProperty(this, s.name, {
        enumerable: false,
        get: () => {
          made ??= s.create(this);
          return made;
        },
      });
    }
  }

  /**
   * The lock hosts of the services file (`lock.hosts`, in order; default: its first host): where
   * the deployment lock and the monitor's lease live.
   */
  get lockHosts(): string[] {
    const first = [...this.inventory.hosts.keys()][0];
    return this.inventory.lockHosts ?? (first === undefined ? [] : [first]);
  }

  /** A lock named `name` held on a majority of the lock hosts (rollout/lock/quorum-lock.ts). */
  async fleetLock(name: string): Promise<Locker | undefined> {
    if (!this.lockHosts.length) {
      return undefined;
    }
    const { FleetLock } = await import('../rollout/lock/fleet-lock.js');
    const { QuorumLock } = await import('../rollout/lock/quorum-lock.js');
    return new QuorumLock(this.lockHosts.map((h) => new FleetLock(this.pool.get(h), name)));
  }

  /** Open a services file: parse and validate it, load known_hosts; no host is contacted yet. */
  static async open(file: string, options: OpenOptions = {}): Promise<Deployment> {
    const inventory = await loadInventory(
      file,
      options.inventoryCache ? { cache: options.inventoryCache } : {},
    );
    const knownHosts = await KnownHosts.load(inventory.ssh.knownHosts);
    const pool = new TransportPool({
      resolveTarget: targetResolver(inventory, options.user ? { user: options.user } : {}),
      hostKeyPolicy: knownHosts,
      hostKeyPolicyFor: knownHostsPolicies(inventory.ssh.knownHosts, knownHosts),
      channelsPerConnection: inventory.ssh.channelsPerConnection,
      session: options.session ?? true,
      ...(options.onNote ? { onNote: options.onNote } : {}),
    });
    return new Deployment(inventory, pool, options);
  }

  /** The deployment's name (`storm`): what the REPL calls it. */
  get name(): string {
    return this.inventory.deployment;
  }

  /** The services file it was opened from (absolute). */
  get file(): string {
    return this.inventory.file;
  }

  /** Every host of the services file, in file order. */
  get hosts(): NodeSet {
    return new NodeSet(this.inventory.hosts.keys());
  }

  /** The services of the file, in start order. */
  get services(): string[] {
    return [...this.inventory.services.keys()];
  }

  /** The groups of the file (`@web`), each expanded. */
  get groups(): Record<string, NodeSet> {
    return Object.fromEntries(
      [...this.inventory.groups].map(([g, hosts]) => [g, new NodeSet(hosts)]),
    );
  }

  /** Expand a target against this deployment's groups (`@web`, `cloud[1-4]!cloud3`, a NodeSet). */
  nodes(target: Target): string[] {
    if (typeof target === 'string') {
      return expandNodeSet(target, (g) => this.inventory.groups.get(g));
    }
    return [...new NodeSet(target)];
  }

  /** The same as a NodeSet value. */
  nodeSet(target: Target): NodeSet {
    return new NodeSet(this.nodes(target));
  }

  /** Listen to every event of every call; returns the function that stops listening. */
  onEvent(listener: DeploymentListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Report an event to the deployment's listeners and the call's own (subsystems use this). */
  emit<S extends keyof DeploymentEventMap>(
    source: S,
    event: DeploymentEventMap[S],
    call?: CallOptions,
  ): void {
    const e = { source, deployment: this.name, at: Date.now(), event } as DeploymentEvent;
    for (const l of this.listeners) {
      l(e);
    }
    call?.onEvent?.(e);
  }

  /** A listener of one source's raw events, for the layers below (fanout, rollout, tinc). */
  listenerFor<S extends keyof DeploymentEventMap>(
    source: S,
    call?: CallOptions,
  ): ((event: DeploymentEventMap[S]) => void) | undefined {
    return this.listeners.size || call?.onEvent ? (e) => this.emit(source, e, call) : undefined;
  }

  /**
   * Run one command on every host of the target; one result per host, in node-set order, never
   * a throw for one host's failure. `command`: a shell text as typed (`'uptime'`, `'df -h | tail
   * -1'`) or a command built with `cmd(...)` (quoted part by part).
   */
  async exec(
    target: Target,
    command: string | Command,
    options: ExecOptions & Partial<Pick<FanoutOptions, 'window'>> = {},
  ): Promise<ExecResult> {
    return execs.exec(this.inner, target, command, options);
  }

  /**
   * Run a local script on every host of the target, with these arguments, without copying it by
   * hand (`salvo exec --script FILE ARGS…`). It travels in the command text: each host writes it
   * to a mktemp file, runs it with its #! interpreter (sh without one) and removes the file at
   * the end, however it ends. stdin, sudo, pty, timeouts: as for exec. Results and events show
   * `script NAME ARGS` rather than the text. Scripts up to about 100 KiB (one shell argument).
   */
  async script(
    target: Target,
    script: Script,
    args: readonly string[] = [],
    options: ExecOptions & Partial<Pick<FanoutOptions, 'window'>> = {},
  ): Promise<ExecResult> {
    return execs.script(this.inner, target, script, args, options);
  }

  /**
   * Copy local files or directory trees to every host of the target (`clush --copy`, pdcp): by
   * rsync over the host's connection when both ends have rsync, else over SFTP (`options.via`
   * forces one). Into `dest` when it is a directory there, else to `dest` itself. Modes and times
   * kept. One result per host (stdout: files, bytes and the way), as exec returns.
   */
  async copy(
    target: Target,
    sources: string | string[],
    dest: string,
    options: TransferCallOptions = {},
  ): Promise<ExecResult> {
    return execs.copy(this.inner, target, sources, dest, options);
  }

  /**
   * Copy files or trees from every host of the target into `localDir/HOST/` (rpdcp,
   * `clush --rcopy`), modes and times kept. One result per host.
   */
  async gather(
    target: Target,
    remotes: string | string[],
    localDir: string,
    options: TransferCallOptions = {},
  ): Promise<ExecResult> {
    return execs.gather(this.inner, target, remotes, localDir, options);
  }

  /** Start a service (or `'all'`, in file order) and wait until healthy. */
  start(service: string, options: OperationOptions & RunOptions = {}): Promise<OperationResult> {
    return this.operate('start', service, options);
  }

  /** Stop a service (or `'all'`, in reverse file order). */
  stop(service: string, options: OperationOptions & RunOptions = {}): Promise<OperationResult> {
    return this.operate('stop', service, options);
  }

  /** Restart a service in batches with health gates (default: one unit at a time). */
  restart(service: string, options: OperationOptions & RunOptions = {}): Promise<OperationResult> {
    return this.operate('restart', service, options);
  }

  /** Switch a service to `options.version`, in batches with health gates. */
  upgrade(
    service: string,
    options: OperationOptions & RunOptions & { version: string },
  ): Promise<OperationResult> {
    return this.operate('upgrade', service, options);
  }

  /** The plan of an operation, without running it (what `dryRun: true` returns). */
  async plan(
    op: Operation,
    service: string,
    options: OperationOptions = {},
  ): Promise<{ request: RolloutRequest; plan: PlanView }> {
    return this.planRequest(rolloutRequest(op, service, options));
  }

  /**
   * Run a rollout request (what start/stop/restart/upgrade build from their options, and the CLI
   * from its flags): plan, take the lock, journal, apply with health gates, release.
   */
  async rollout(request: RolloutRequest, options: RunOptions = {}): Promise<OperationResult> {
    return rollouts.rollout(this.inner, request, options);
  }

  /**
   * A restart starts again what runs: the versions the units' hosts record (one read-only scan
   * per host, also for a dry run), where they differ from the services file's, go into the
   * request (and so into its journal, for a resume). A host that cannot be read restarts the
   * file's version, as before.
   */
  async withRunningVersions(
    request: RolloutRequest,
    options: CallOptions = {},
  ): Promise<RolloutRequest> {
    return rollouts.withRunningVersions(this.inner, request, options);
  }

  /** Continue an interrupted rollout (`'last'`, or a run id or its unique prefix). */
  async resume(run: string, options: RunOptions = {}): Promise<OperationResult> {
    return rollouts.resume(this.inner, run, options);
  }

  /** The journaled rollouts of this deployment, oldest first. */
  async runs(): Promise<RunSummary[]> {
    return rollouts.runs(this.inner);
  }

  /**
   * Each unit's state (running / stopped / unhealthy), pid, uptime, version; one round trip per
   * host. Units an interrupted run left mid-step (drained, stopped) are named from the journals.
   */
  async status(service = 'all', options: HostsOption & CallOptions = {}): Promise<StatusReport> {
    return observe.status(this, service, options);
  }

  /** The services file against the hosts: units missing, extra, or on another version. */
  async diff(options: HostsOption & CallOptions = {}): Promise<DiffReport> {
    return observe.diff(this, options);
  }

  /**
   * Wait until every host of the target (default: all) answers over SSH, e.g. after restarting
   * VMs with `wait: false`; with `service`, also until that service's units there run.
   */
  async waitUntilUp(
    target: Target = this.hosts,
    options: WaitOptions & CallOptions = {},
  ): Promise<ExecResult> {
    return observe.waitUntilUp(this, target, options);
  }

  /**
   * An OpenSSH config and known_hosts for these hosts (default all): the addresses, ports, users,
   * keys and jump hosts Salvo uses, host keys checked strictly. `knownHostsPath` is where the
   * caller will write the known_hosts text (the config points there).
   */
  async sshClientFiles(
    knownHostsPath: string,
    target: Target = this.hosts,
  ): Promise<{ config: string; knownHosts: string }> {
    return observe.sshClientFiles(this.inner, knownHostsPath, target);
  }

  /** The last lines of each unit's log (default 50), tagged with unit and host. */
  async logs(
    service: string,
    options: HostsOption & CallOptions & { lines?: number } = {},
  ): Promise<LogsResult> {
    return observe.logs(this, service, options);
  }

  /** The last lines, then each new line of the units' logs as it comes, until cancelled. */
  async followLogs(
    service: string,
    onLines: (lines: LogLine[]) => void,
    options: HostsOption & CallOptions & { lines?: number; interval?: number | string } = {},
  ): Promise<void> {
    return observe.followLogs(this, service, onLines, options);
  }

  /** Run `work` holding the operator lock (re-entrant: calls inside it do not lock again). */
  locked<T>(
    what: string,
    work: () => Promise<T>,
    options: { waitLock?: number | string | true; signal?: AbortSignal | undefined } = {},
  ): Promise<T> {
    if (this.dryRun) {
      return work();
    }
    const signal = currentSignal(options.signal);
    return this.operatorLock.hold(what, () => work(), {
      waitMs: waitLockMs(options.waitLock),
      ...(signal ? { signal } : {}),
    });
  }

  /** What a rollout acts through: commands over this pool, the fleet lock, the service kinds. */
  async rolloutDeps(): Promise<RolloutDeps> {
    return rollouts.rolloutDeps(this.inner);
  }

  async close(options: CloseOptions = {}): Promise<void> {
    await this.pool.closeAll(options);
  }

  private async operate(
    op: Operation,
    service: string,
    options: OperationOptions & RunOptions,
  ): Promise<OperationResult> {
    return this.rollout(rolloutRequest(op, service, options), options);
  }

  /** The plan of a request, as data (no host is contacted). */
  async planRequest(request: RolloutRequest): Promise<{ request: RolloutRequest; plan: PlanView }> {
    return rollouts.planRequest(this.inner, request);
  }

  /** exec for the layers below (probes, rollout steps, waits): no events, no dry-run. */
  quietExec(hosts: string[], command: Command, o: QuietOptions = {}): Promise<ExecResult> {
    return fanout(hosts, (h) => this.pool.get(h), command, {
      concurrency: this.inventory.ssh.concurrency,
      window: 'connecting',
      ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    }).then((r) => ExecResult.fromResults(r));
  }
}

/** known_hosts per file list (Salvo's files + OpenSSH's for the host), each loaded once. */
function knownHostsPolicies(
  salvoFiles: string[],
  salvoOnly: KnownHosts,
): (target: SshTarget) => Promise<KnownHosts> {
  const loaded = new Map<string, Promise<KnownHosts>>([
    [salvoFiles.join('\0'), Promise.resolve(salvoOnly)],
  ]);
  return (target) => {
    const key = target.knownHostsFiles.join('\0');
    let got = loaded.get(key);
    if (got === undefined) {
      got = KnownHosts.load(target.knownHostsFiles);
      loaded.set(key, got);
    }
    return got;
  };
}
