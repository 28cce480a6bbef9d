// A deployment opened from its services file: the object the CLI, the REPL (`storm.exec(...)`),
// release scripts and the monitor act on. Owns one transport pool, so connections are reused for
// its whole life. Every method returns a value and reports progress as events; none prints.
import { UsageError } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import { expandNodeSet } from '../inventory/nodeset.js';
import type { Inventory } from '../inventory/types.js';
import type { InventoryCacheOptions } from '../inventory/inventory-cache.js';
import { fanout, type FanoutOptions } from '../fleet/fanout.js';
import type { FleetListener } from '../fleet/events.js';
import type { RolloutDeps } from '../rollout/rollout.js';
import type { RunSummary } from '../rollout/runs.js';
import type { PlanView } from '../rollout/plan-view.js';
import type { KindLookup, RolloutRequest, RolloutResult } from '../rollout/types.js';
import type { Locker } from '../rollout/lock.js';
import type { Operation } from '../services/types.js';
import { cmd, display, quote, Secret, shell, toShell, type Command } from '../transport/command.js';
import { MAX_COMMAND_BYTES, scriptCommand, type Script } from '../transport/script.js';
import { MIN_MAX_OUTPUT } from '../transport/session/index.js';
import { describeBytes, parseBytes } from '../inventory/bytes.js';
import type { CloseOptions, CommandResult, SshTarget } from '../transport/types.js';
import type { InputFeed } from '../transport/input-feed.js';
import { TransportPool } from '../transport/pool.js';
import { KnownHosts } from '../transport/hostkeys/index.js';
import { currentSignal } from './cancel.js';
import { durationMs } from './duration.js';
import type { DeploymentEvent, DeploymentEventMap, DeploymentListener } from './events.js';
import { OperatorLock } from './lock.js';
import { NodeSet, type Target } from './node-set.js';
import { rolloutRequest, type OperationOptions } from './request.js';
import {
  ExecResult,
  operationResult,
  statusReport,
  type DiffReport,
  type OperationResult,
  type StatusReport,
} from './results.js';
import { subsystems, type Subsystems } from './subsystems.js';
import { targetResolver } from './targets.js';
import { waitForHosts, type WaitOptions } from './wait.js';
import './subsystems/index.js';

export interface OpenOptions {
  /**
   * Keep a shell session open on each host for later commands (default true). A process that runs
   * one command per host and exits (`salvo exec`) passes false: each command then goes over its
   * own exec channel, one round trip and one remote shell fewer than starting a session first.
   */
  session?: boolean;
  /** Things worth knowing that are not failures: skipped identity files, agent trouble, and
   * (only when given) what each connection negotiated. `salvo exec -v` prints them. */
  onNote?: (host: string, note: string) => void;
  /** Reuse the services file's parsed result from an earlier run (inventory-cache.ts). */
  inventoryCache?: InventoryCacheOptions;
  /** Plan only: calls that would change or read hosts report what they would do (a `planned`
   * event) and return empty or planned results; no host is contacted. `salvo run --dry-run`. */
  dryRun?: boolean;
  /** Told every event of every call (more listeners: `onEvent()`). */
  onEvent?: DeploymentListener;
  /** The service kinds (tests pass their own); default: admin/services/. */
  kinds?: KindLookup;
  /** Log in as this user on every host (`salvo exec -l USER`): wins over the services file and
   * ssh_config, as `ssh -l` does (jump hosts keep their own). */
  user?: string;
}

/** What every call accepts. */
export interface CallOptions {
  /** Cancels the call: remote commands are killed. Default: the ambient one (`withCancel`). */
  signal?: AbortSignal;
  /** Told this call's events (besides the deployment's listeners). */
  onEvent?: DeploymentListener;
}

export interface ExecOptions extends CallOptions {
  /** Per-host deadline: ms, or `'30s'`, `'2m'`; the remote process group is killed when it passes. */
  timeout?: number | string;
  /** The same, in ms (what the layers below pass). */
  timeoutMs?: number;
  /** Hosts in flight at once (default: ssh.concurrency of the services file). */
  concurrency?: number;
  /** Hold the operator lock while the command runs (a string says what for). */
  lock?: boolean | string;
  /**
   * Each host's output as it arrives (stdout and stderr apart, in order per host), e.g. to print
   * `tail -f` lines live. The results still carry the whole output.
   */
  onOutput?: (host: string, stream: 'stdout' | 'stderr', chunk: Buffer) => void | Promise<void>;
  /** The command's stdin on every host: bytes, or an InputFeed (e.g. `InputFeed.from(process.stdin)`)
   * streamed to every host as it arrives, as clush does. */
  stdin?: string | Buffer | InputFeed;
  /** A pseudo-terminal per host, as `ssh -t` (stderr then arrives merged into stdout). */
  pty?: boolean;
  /**
   * Output kept per host and stream: bytes, or `'8M'`, `'512K'` (default: the services file's
   * `ssh.max_output`, 8.25 MiB; at least 64 KiB). Past it the middle is dropped and counted in
   * each result's `dropped`. 0 keeps nothing: with `onOutput`, output is streamed, never held.
   */
  maxOutput?: number | string;
  /**
   * Run the command through `sudo -n` as root (`true`) or as this user. sudo never prompts: a host
   * where it would need a password fails with a message saying so.
   */
  sudo?: boolean | string;
}

export interface TransferCallOptions extends CallOptions {
  /** Hosts in flight at once (default: ssh.concurrency of the services file). */
  concurrency?: number;
  /** Say per host what would be copied (stdout); contact no host. */
  dryRun?: boolean;
}

export interface RunOptions extends CallOptions {
  /** Return the plan; take no lock, write no journal, contact no host. */
  dryRun?: boolean;
  /** If another run holds the lock, wait this long (ms or `'10m'`; `true`: as long as it takes). */
  waitLock?: number | string | true;
}

interface QuietOptions {
  timeoutMs?: number | undefined;
  signal?: AbortSignal | undefined;
}

export interface HostsOption {
  hosts?: Target;
}

/** The methods the subsystems add (`dep.tinc`, later `dep.cassandra` …) are typed from here. */
export interface Deployment extends Subsystems {}

// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merge is the point: the registry (subsystems.ts) installs each subsystem's property in the constructor, the interface above types it
export class Deployment {
  private readonly listeners = new Set<DeploymentListener>();
  private readonly resolveTarget: (name: string) => Promise<SshTarget>;
  private readonly operatorLock: OperatorLock;
  readonly dryRun: boolean;

  private constructor(
    readonly inventory: Inventory,
    readonly pool: TransportPool,
    private readonly options: OpenOptions,
  ) {
    this.dryRun = options.dryRun ?? false;
    this.resolveTarget = targetResolver(inventory, options.user ? { user: options.user } : {});
    if (options.onEvent) {
      this.listeners.add(options.onEvent);
    }
    this.operatorLock = new OperatorLock(() => this.fleetLock(this.name));
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

  /** A lock named `name` held on a majority of the lock hosts (rollout/quorum-lock.ts). */
  async fleetLock(name: string): Promise<Locker | undefined> {
    if (!this.lockHosts.length) {
      return undefined;
    }
    const { FleetLock } = await import('../rollout/fleet-lock.js');
    const { QuorumLock } = await import('../rollout/quorum-lock.js');
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
    const c = withSudo(toCommand(command), options.sudo);
    checkLength(c);
    const hosts = this.nodes(target);
    if (!hosts.length) {
      throw new UsageError(`exec: ${String(target) || 'the target'} names no host`);
    }
    if (this.dryRun) {
      this.planned(
        `exec(${JSON.stringify(String(new NodeSet(hosts)))}, ${JSON.stringify(display(c))})`,
        [`on ${new NodeSet(hosts)} (${hosts.length}): ${display(c)}`],
        options,
      );
      return ExecResult.fromResults([], true);
    }
    const timeoutMs = options.timeoutMs ?? durationMs(options.timeout, 'timeout');
    const maxOutput = maxOutputOf(options.maxOutput) ?? this.inventory.ssh.maxOutput;
    await this.checkTargets(hosts);
    const signal = currentSignal(options.signal);
    const onEvent: FleetListener | undefined = this.listenerFor('exec', options);
    // An explicit window holds every host (`-f 1` runs one host at a time); the services file's
    // ssh.concurrency only paces new connections.
    const run = async (): Promise<ExecResult> => {
      const results = await fanout(hosts, (h) => this.pool.get(h), c, {
        concurrency: options.concurrency ?? this.inventory.ssh.concurrency,
        window: options.window ?? (options.concurrency === undefined ? 'connecting' : 'all'),
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        ...(signal ? { signal } : {}),
        ...(onEvent ? { onEvent } : {}),
        ...(options.onOutput ? { onOutput: options.onOutput } : {}),
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
        ...(options.pty ? { pty: true } : {}),
        ...(maxOutput !== undefined ? { maxOutput } : {}),
      });
      return ExecResult.fromResults(options.sudo ? results.map(explainSudo) : results);
    };
    if (options.lock) {
      const what = typeof options.lock === 'string' ? options.lock : `exec ${display(c)}`;
      return this.locked(what, run, { signal });
    }
    return run();
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
    let c: Command;
    try {
      c = scriptCommand(script, args);
    } catch (err) {
      throw new UsageError(`script: ${(err as Error).message}`);
    }
    return this.exec(target, c, options);
  }

  /**
   * Resolve every host's connection settings (services file + ssh_config) before connecting: a
   * setting Salvo refuses (StrictHostKeyChecking no, Match exec…) is a ConfigError for the call
   * (exit 2), not one unreachable host per line.
   */
  private async checkTargets(hosts: string[]): Promise<void> {
    const local = hosts.filter((h) => h !== 'localhost');
    await Promise.all(local.map((h) => this.resolveTarget(h)));
  }

  /**
   * Copy local files or directory trees to every host of the target over SFTP (`clush --copy`,
   * pdcp): into `dest` when it is a directory there, else to `dest` itself. Modes and times kept.
   * One result per host (stdout: files and bytes), as exec returns.
   */
  async copy(
    target: Target,
    sources: string | string[],
    dest: string,
    options: TransferCallOptions = {},
  ): Promise<ExecResult> {
    const { copyToHosts } = await import('./copy.js');
    const hosts = await this.transferHosts(target, 'copy');
    const list = [sources].flat();
    return this.transfer(options, (o) =>
      copyToHosts(hosts, (h) => this.pool.get(h), list, dest, o),
    );
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
    const { gatherFromHosts } = await import('./copy.js');
    const hosts = await this.transferHosts(target, 'gather');
    const list = [remotes].flat();
    return this.transfer(options, (o) =>
      gatherFromHosts(hosts, (h) => this.pool.get(h), list, localDir, o),
    );
  }

  private async transferHosts(target: Target, what: string): Promise<string[]> {
    const hosts = this.nodes(target);
    if (!hosts.length) {
      throw new UsageError(`${what}: ${String(target) || 'the target'} names no host`);
    }
    await this.checkTargets(hosts);
    return hosts;
  }

  private async transfer(
    options: TransferCallOptions,
    run: (o: import('./copy.js').TransferOptions) => Promise<CommandResult[]>,
  ): Promise<ExecResult> {
    const signal = currentSignal(options.signal);
    const onEvent = this.listenerFor('exec', options);
    const results = await run({
      concurrency: options.concurrency ?? this.inventory.ssh.concurrency,
      dryRun: options.dryRun ?? this.dryRun,
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onResult: (result) => onEvent({ kind: 'host-result', result }) } : {}),
    });
    return ExecResult.fromResults(results);
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
    if (!this.dryRun) {
      request = await this.withRunningVersions(request, options);
    }
    const { request: planned, plan } = await this.planRequest(request);
    if (this.dryRun) {
      this.planned(describeRequest(planned, plan), planDetail(plan), options);
      return operationResult(planned, plan);
    }
    if (options.dryRun) {
      this.emit('rollout', { kind: 'plan', request: planned, plan, dryRun: true }, options);
      return operationResult(planned, plan);
    }
    await this.beforeRollout(plan);
    const { runRollout } = await import('../rollout/rollout.js');
    const result = await runRollout(
      await this.rolloutDeps(),
      request,
      this.rolloutOptions(options),
    );
    await this.afterRollout(plan, result);
    return operationResult(planned, plan, result);
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
    if (request.op !== 'restart' || request.options.versions) {
      return request;
    }
    const { plan } = await this.planRequest(request);
    const { runningVersions } = await import('./running-versions.js');
    const signal = currentSignal(options.signal);
    const versions = await runningVersions(this.runner(options), this.inventory, plan, signal);
    return Object.keys(versions).length
      ? { ...request, options: { ...request.options, versions } }
      : request;
  }

  /** Continue an interrupted rollout (`'last'`, or a run id or its unique prefix). */
  async resume(run: string, options: RunOptions = {}): Promise<OperationResult> {
    const { resumeRollout } = await import('../rollout/rollout.js');
    const { findRun, loadRun } = await import('../rollout/runs.js');
    const runId = findRun(this.inventory.dir, run);
    const past = loadRun(this.inventory.dir, runId);
    if (this.dryRun || options.dryRun) {
      const { plan } = await this.planRequest(past.header.request);
      this.planned(`resume(${JSON.stringify(runId)})`, planDetail(plan), options);
      return operationResult(past.header.request, plan);
    }
    await this.beforeRollout((await this.planRequest(past.header.request)).plan);
    const result = await resumeRollout(
      await this.rolloutDeps(),
      runId,
      this.rolloutOptions(options),
    );
    await this.afterRollout(past.header.plan, result);
    return operationResult(past.header.request, past.header.plan, result);
  }

  /** Each subsystem's check once a run has finished every unit (admin/deployment/subsystems.ts). */
  private async afterRollout(plan: PlanView, result: RolloutResult): Promise<void> {
    if (result.state !== 'done') {
      return;
    }
    for (const s of subsystems()) {
      await s.afterRollout?.(this, plan, result);
    }
  }

  /** Each subsystem's preparation for a plan about to run (admin/deployment/subsystems.ts). */
  private async beforeRollout(plan: PlanView): Promise<void> {
    for (const s of subsystems()) {
      await s.beforeRollout?.(this, plan);
    }
  }

  /** The journaled rollouts of this deployment, oldest first. */
  async runs(): Promise<RunSummary[]> {
    const { listRuns } = await import('../rollout/runs.js');
    return listRuns(this.inventory.dir);
  }

  /**
   * Each unit's state (running / stopped / unhealthy), pid, uptime, version; one round trip per
   * host. Units an interrupted run left mid-step (drained, stopped) are named from the journals.
   */
  async status(service = 'all', options: HostsOption & CallOptions = {}): Promise<StatusReport> {
    const { selectUnits } = await import('../services/index.js');
    const { probeUnits } = await import('../services/observe.js');
    const hosts = options.hosts === undefined ? undefined : this.nodes(options.hosts);
    const units = selectUnits(this.inventory, service, hosts);
    if (this.dryRun) {
      this.planned(`status(${JSON.stringify(service)})`, [], options);
      return statusReport([]);
    }
    const signal = currentSignal(options.signal);
    const { leftBehind } = await import('../rollout/runs.js');
    return statusReport(
      await probeUnits(this.runner(options), this.inventory, units, signal ? { signal } : {}),
      leftBehind(this.inventory.dir),
    );
  }

  /** The services file against the hosts: units missing, extra, or on another version. */
  async diff(options: HostsOption & CallOptions = {}): Promise<DiffReport> {
    const { scanHosts } = await import('../services/observe.js');
    const { computeDrift } = await import('../services/drift.js');
    const hosts =
      options.hosts === undefined ? [...this.inventory.hosts.keys()] : this.nodes(options.hosts);
    if (this.dryRun) {
      this.planned('diff()', [], options);
      return { items: [], drifted: new NodeSet(), unreachable: new NodeSet() };
    }
    const signal = currentSignal(options.signal);
    const scans = await scanHosts(
      this.runner(options),
      this.inventory,
      hosts,
      signal ? { signal } : {},
    );
    const items = computeDrift(this.inventory, scans);
    const unreachable = new NodeSet(items.flatMap((i) => (i.type === 'unknown' ? [i.host] : [])));
    const drifted = new NodeSet(
      items.flatMap((i) => (i.type === 'unknown' ? [] : ['unit' in i ? i.unit.host : i.host])),
    );
    return { items, drifted, unreachable };
  }

  /**
   * Wait until every host of the target (default: all) answers over SSH, e.g. after restarting
   * VMs with `wait: false`; with `service`, also until that service's units there run.
   */
  async waitUntilUp(
    target: Target = this.hosts,
    options: WaitOptions & CallOptions = {},
  ): Promise<ExecResult> {
    const hosts = this.nodeSet(target);
    if (this.dryRun) {
      this.planned(
        `waitUntilUp(${JSON.stringify(String(hosts))})`,
        [`wait until ${hosts} answer`],
        options,
      );
      return ExecResult.fromResults([], true);
    }
    return waitForHosts(this, hosts, { ...options, signal: currentSignal(options.signal) });
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
    const { renderSshConfig, collectKnownHosts } = await import('./ssh-config.js');
    const targets = await Promise.all(this.nodes(target).map((h) => this.resolveTarget(h)));
    return {
      config: renderSshConfig(this.name, targets, knownHostsPath),
      // Every file Salvo checks keys against (its own, then ssh_config's or ~/.ssh/known_hosts).
      knownHosts: await collectKnownHosts(
        [
          ...new Set([
            ...this.inventory.ssh.knownHosts,
            ...targets.flatMap((t) => t.knownHostsFiles),
          ]),
        ],
        targets,
      ),
    };
  }

  /** The last lines of each unit's log (default 50), tagged with unit and host. */
  async logs(
    service: string,
    options: HostsOption & CallOptions & { lines?: number } = {},
  ): Promise<import('./logs.js').LogsResult> {
    const { readLogs } = await import('./logs.js');
    const signal = currentSignal(options.signal);
    return readLogs(this, service, {
      ...(options.hosts !== undefined ? { hosts: this.nodes(options.hosts) } : {}),
      ...(options.lines !== undefined ? { lines: options.lines } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  /** The last lines, then each new line of the units' logs as it comes, until cancelled. */
  async followLogs(
    service: string,
    onLines: (lines: import('./logs.js').LogLine[]) => void,
    options: HostsOption & CallOptions & { lines?: number; interval?: number | string } = {},
  ): Promise<void> {
    const { followLogs } = await import('./logs.js');
    const signal = currentSignal(options.signal);
    const intervalMs = durationMs(options.interval, 'interval');
    return followLogs(this, service, onLines, {
      ...(options.hosts !== undefined ? { hosts: this.nodes(options.hosts) } : {}),
      ...(options.lines !== undefined ? { lines: options.lines } : {}),
      ...(signal ? { signal } : {}),
      ...(intervalMs !== undefined ? { intervalMs } : {}),
    });
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
    const kinds = this.options.kinds ?? (await defaultKinds());
    const locker = await this.operatorLock.locker();
    return {
      inv: this.inventory,
      exec: async (host, command, o) => (await this.quietExec([host], command, o))[0]!,
      kinds,
      nodes: (e) => this.nodes(e),
      ...(locker ? { locker } : {}),
    };
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
    const { planRollout } = await import('../rollout/rollout.js');
    const { viewPlan } = await import('../rollout/plan-view.js');
    const kinds = this.options.kinds ?? (await defaultKinds());
    const plan = planRollout(
      { inv: this.inventory, kinds, nodes: (e) => this.nodes(e), exec: notUsed },
      request,
    );
    return { request: plan.request, plan: viewPlan(plan) };
  }

  private rolloutOptions(options: RunOptions) {
    const signal = currentSignal(options.signal);
    const onEvent = this.listenerFor('rollout', options);
    return {
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
      waitLockMs: waitLockMs(options.waitLock),
    };
  }

  /** The Runner the probes use: exec without events (the call reports its own result). */
  private runner(_call: CallOptions) {
    return {
      exec: (hosts: string[], command: Command, o: QuietOptions = {}) =>
        this.quietExec(hosts, command, o),
    };
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

  private planned(call: string, detail: string[], options: CallOptions): void {
    this.emit('dry-run', { kind: 'planned', call, detail }, options);
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

/** `sudo -n [-u USER] -- sh -c CMD`: non-interactive, so a password prompt is an error. */
function withSudo(c: Command, sudo: boolean | string | undefined): Command {
  if (!sudo) {
    return c;
  }
  if (c.parts.some((p) => p instanceof Secret)) {
    throw new UsageError('exec: sudo cannot wrap a command holding a secret (it would be shown)');
  }
  const user = typeof sudo === 'string' ? ['-u', sudo] : [];
  const wrapped = cmd('sudo', '-n', ...user, '--', 'sh', '-c', toShell(c));
  return c.label === undefined
    ? wrapped
    : { ...wrapped, label: `${display(cmd('sudo', '-n', ...user, '--'))} ${c.label}` };
}

/** sudo's own refusals (exit 1, its reason on stderr), said plainly. */
const SUDO_REFUSALS: readonly (readonly [RegExp, string])[] = [
  [
    /sudo: (a password is required|a terminal is required)/,
    'sudo needs a password here and Salvo never types one (sudo -n): allow this user NOPASSWD in sudoers, or log in as the target user (-l)',
  ],
  [/sudo: (command )?not found|sudo: not found/, 'sudo is not installed on this host'],
  [
    /is not in the sudoers file|is not allowed to (run|execute)/,
    'sudo refused: this user may not run commands as that user (sudoers)',
  ],
];

function explainSudo(r: CommandResult): CommandResult {
  if (r.ok || r.failure?.kind !== 'nonzero') {
    return r;
  }
  const why = SUDO_REFUSALS.find(([re]) => re.test(r.stderr))?.[1];
  if (why === undefined) {
    return r;
  }
  // Said on stderr too, where the folded and line outputs show it next to sudo's own words.
  const stderr = `${r.stderr}${r.stderr === '' || r.stderr.endsWith('\n') ? '' : '\n'}salvo: ${why}\n`;
  return { ...r, stderr, failure: { kind: 'nonzero', message: `${why}; ${r.failure.message}` } };
}

/** `maxOutput` as given: bytes, `'8M'`; 0, or at least 64 KiB. */
function maxOutputOf(value: number | string | undefined): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  const bytes = parseBytes(value);
  if (typeof bytes !== 'number') {
    throw new UsageError(`maxOutput: ${bytes.error}`);
  }
  if (bytes !== 0 && bytes < MIN_MAX_OUTPUT) {
    throw new UsageError(
      `maxOutput: at least ${describeBytes(MIN_MAX_OUTPUT)} (or 0 to keep nothing), got ${String(value)}`,
    );
  }
  return bytes;
}

/**
 * sshd gives the command to the login shell as one argument, which Linux caps at 128 KiB; Salvo's
 * wrapper quotes it once more (wrap.ts). Past that the host would say "Argument list too long".
 */
function checkLength(c: Command): void {
  const bytes = Buffer.byteLength(quote(toShell(c))) + 512;
  if (bytes > MAX_COMMAND_BYTES) {
    throw new UsageError(
      `exec: ${display(c)}: the command is ${Math.ceil(bytes / 1024)} KiB once quoted; a remote shell takes at most ${MAX_COMMAND_BYTES / 1024} KiB in one command (copy a large script with salvo copy, then run it)`,
    );
  }
}

function toCommand(command: string | Command): Command {
  if (typeof command === 'string') {
    if (command.trim() === '') {
      throw new UsageError('exec: the command is empty');
    }
    return shell(command);
  }
  if (command && Array.isArray((command as Command).parts)) {
    return command;
  }
  throw new UsageError(
    "exec: the command must be a string ('uptime') or cmd('systemctl', 'restart', unit)",
  );
}

function waitLockMs(value: number | string | true | undefined): number {
  if (value === undefined) {
    return 0;
  }
  return value === true ? Infinity : (durationMs(value, 'waitLock') ?? 0);
}

/** Tests pass their own kinds; otherwise the registry of admin/services/. */
async function defaultKinds(): Promise<KindLookup> {
  const { SERVICE_KINDS } = await import('../services/index.js');
  return (name) => SERVICE_KINDS[name];
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
