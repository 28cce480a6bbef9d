// `dep.tinc.*`: the tinc mesh (admin/tinc/) as methods of a Deployment. Changing calls hold the
// operator lock; the tinc code itself is loaded on first use.
import type { Deployment, CallOptions } from '../deployment.js';
import type {
  ChangeOptions,
  LifecycleOptions,
  LifecycleResult,
  MeshMatrix,
  MeshStatus,
  TincResult,
} from '../../tinc/index.js';
import { currentSignal } from '../cancel.js';
import { durationMs } from '../duration.js';
import { NodeSet, type Target } from '../node-set.js';
import { registerSubsystem } from '../subsystems.js';

export interface TincCallOptions extends CallOptions {
  /** Where public host files are recorded (default conf/tinc_hosts next to the services file). */
  confDir?: string;
}
export interface TincChangeOptions extends TincCallOptions {
  /** init: only these members. */
  hosts?: Target;
  keyBits?: number;
  /** Plan only (hosts are probed, nothing changed). */
  dryRun?: boolean;
  /** Run the ping matrix afterwards (default true). */
  verify?: boolean;
  /** How long the matrix may take to become whole (ms or `'20s'`). */
  wait?: number | string;
}

export class TincApi {
  constructor(private readonly dep: Deployment) {}

  /** Generate missing keys on the hosts, collect public host files, push configs, start, verify. */
  init(options: TincChangeOptions = {}): Promise<TincResult> {
    return this.change('tinc init', options, async (t, o) => t.tincInit(this.dep, o));
  }
  /** Bring a host that has a vpn address in the services file into the mesh. */
  add(host: string, options: TincChangeOptions = {}): Promise<TincResult> {
    return this.change(`tinc add ${host}`, options, async (t, o) => t.tincAdd(this.dep, host, o));
  }
  /** Revoke a host whose vpn address left the services file. */
  remove(host: string, options: TincChangeOptions = {}): Promise<TincResult> {
    return this.change(`tinc remove ${host}`, options, async (t, o) =>
      t.tincRemove(this.dep, host, o),
    );
  }
  /** Start tincd where it is not running, then verify. */
  start(options: Omit<TincChangeOptions, 'keyBits' | 'dryRun'> = {}): Promise<LifecycleResult> {
    return this.change('tinc start', options, async (t, o) =>
      t.tincStart(this.dep, o as LifecycleOptions),
    );
  }
  /** Stop tincd through its pid file. */
  stop(
    options: Omit<TincChangeOptions, 'keyBits' | 'dryRun' | 'verify' | 'wait'> = {},
  ): Promise<LifecycleResult> {
    return this.change('tinc stop', options, async (t, o) =>
      t.tincStop(this.dep, o as LifecycleOptions),
    );
  }
  /** Which members run tincd; files that differ from the record or the services file. */
  async status(options: TincCallOptions = {}): Promise<MeshStatus> {
    const t = await import('../../tinc/index.js');
    return t.tincStatus(this.dep, this.base(options));
  }
  /** Ping every member's VPN address from every other member. */
  async verify(options: TincCallOptions & { wait?: number | string } = {}): Promise<MeshMatrix> {
    const t = await import('../../tinc/index.js');
    const waitMs = durationMs(options.wait, 'wait');
    return t.tincVerify(this.dep, { ...this.base(options), ...(waitMs ? { waitMs } : {}) });
  }

  private base(o: TincCallOptions) {
    const signal = currentSignal(o.signal);
    const onEvent = this.dep.listenerFor('tinc', o);
    return {
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
      ...(o.confDir !== undefined ? { confDir: o.confDir } : {}),
    };
  }

  private async change<T>(
    what: string,
    o: TincChangeOptions,
    go: (t: typeof import('../../tinc/index.js'), opts: ChangeOptions) => Promise<T>,
  ): Promise<T> {
    const t = await import('../../tinc/index.js');
    const waitMs = durationMs(o.wait, 'wait');
    const opts: ChangeOptions = {
      ...this.base(o),
      ...(o.hosts !== undefined
        ? { hosts: typeof o.hosts === 'string' ? o.hosts : String(new NodeSet(o.hosts)) }
        : {}),
      ...(o.keyBits !== undefined ? { keyBits: o.keyBits } : {}),
      ...(o.dryRun !== undefined ? { dryRun: o.dryRun } : {}),
      ...(o.verify !== undefined ? { verify: o.verify } : {}),
      ...(waitMs !== undefined ? { waitMs } : {}),
    };
    if (this.dep.dryRun) {
      this.dep.emit('dry-run', { kind: 'planned', call: what, detail: [] }, o);
      return go(t, { ...opts, dryRun: true });
    }
    if (o.dryRun) {
      return go(t, opts);
    }
    return this.dep.locked(what, () => go(t, opts), { signal: opts.signal });
  }
}

declare module '../subsystems.js' {
  interface Subsystems {
    /** The tinc VPN mesh: init, add, remove, start, stop, status, verify. */
    readonly tinc: TincApi;
  }
}

registerSubsystem(
  'tinc',
  'the tinc VPN mesh: init add remove start stop status verify',
  (dep) => new TincApi(dep),
  {
    // A rollout that started tincd (start, restart, upgrade of a tinc service) proves the mesh and
    // repairs a pair left dark, as `salvo tinc start` does: tinc 1.0 can keep a stale packet key
    // for an hour after a peer restarts (admin/tinc/ops/repair.ts). A mesh still broken fails the call.
    afterRollout: async (dep, plan) => {
      const started = plan.batches.find(
        (b) => b.op !== 'stop' && dep.inventory.services.get(b.service)?.kind === 'tinc',
      );
      if (!started) {
        return;
      }
      const r = await dep.tinc.start({ wait: 30_000 });
      if (r.matrix && !r.matrix.ok) {
        const { TincError } = await import('../../tinc/errors.js');
        const dark = [
          ...r.matrix.down.map((h) => `${h} down`),
          ...r.matrix.failed.map((p) => `${p.from} → ${p.to}`),
          ...r.matrix.unreachable.map((u) => `${u.host} unreachable`),
        ].join(', ');
        throw new TincError(
          `${started.op} ${started.service}: every unit is done, but the mesh does not verify (${dark}); salvo tinc verify --matrix shows it`,
        );
      }
    },
  },
);
