// `dep.cassandra.*`: the Cassandra subsystem (admin/cassandra/) on a deployment: a client for the
// ring named by the services file (contact points: the cassandra hosts' listen addresses; port:
// ports.cassandra_native; consistency: the service's `consistency` option, QUORUM by default;
// credentials from secrets/<deployment>/), auth-init and rolling repair (both under the
// operator lock). The subsystem's code is loaded on first use.
import { join } from 'node:path';
import type {
  ClientOptions,
  RepairEvent,
  RepairSummary,
  ServiceUser,
} from '../../cassandra/index.js';
import { ringOf } from '../../services/cassandra/index.js';
import { serviceSpec, unitsOf } from '../../services/units.js';
import { cmd } from '../../transport/command.js';
import type { Deployment } from '../deployment.js';
import { registerSubsystem } from '../subsystems.js';

export interface CassandraRepairOptions {
  /** A scheduled run (cron): skipped, not run, while the deployment's maintenance switch is on. */
  scheduled?: boolean;
  keyspace?: string;
  full?: boolean;
  force?: boolean;
  resume?: string;
  nodeTimeoutMs?: number;
  onEvent?: (e: RepairEvent) => void;
}

export interface RingView {
  host: string;
  address: string;
  ok: boolean;
  error?: string;
  rows: import('../../probes/nodetool-status.js').NodetoolRow[];
}
export interface RingStatus {
  views: RingView[];
  ring: {
    address: string;
    dc: string;
    rack: string;
    load: string;
    owns: string;
    hostId: string;
    seenBy: Record<string, string>;
  }[];
  problems: string[];
  allUp: boolean;
}

export class CassandraApi {
  constructor(private readonly dep: Deployment) {}

  private nodes() {
    const inv = this.dep.inventory;
    return unitsOf(inv, 'cassandra').map((unit) => ({ unit, ...ringOf(inv, unit) }));
  }

  /** How to reach the ring (no credentials). */
  connection(): Omit<ClientOptions, 'username' | 'password'> {
    const inv = this.dep.inventory;
    const spec = serviceSpec(inv, 'cassandra');
    const port = inv.ports.cassandra_native;
    return {
      contactPoints: this.nodes().map((n) => n.listenAddress),
      port: typeof port === 'number' ? port : 9042,
      localDataCenter:
        typeof spec.options.datacenter === 'string' ? spec.options.datacenter : 'datacenter1',
      consistency:
        typeof spec.options.consistency === 'string' ? spec.options.consistency : 'QUORUM',
    };
  }

  secretsDir(): string {
    return join(this.dep.inventory.dir, 'secrets', this.dep.name);
  }

  /** A client logged in as `user`, its password read from secrets/ (never from argv). */
  async client(user: string, options: Partial<ClientOptions> = {}) {
    const c = await import('../../cassandra/index.js');
    const password = await c.readSecret(this.secretsDir(), user);
    if (password === undefined) {
      throw new c.CassandraError(
        'auth',
        `no secret for ${user} in ${this.secretsDir()} (run auth-init)`,
      );
    }
    return new c.CassandraClient({ ...this.connection(), ...options, username: user, password });
  }

  /** The service users the services file names (`users: {hub: [SELECT, MODIFY], …}` under cassandra). */
  private users(): ServiceUser[] {
    const spec = serviceSpec(this.dep.inventory, 'cassandra');
    const ks = typeof spec.options.keyspace === 'string' ? spec.options.keyspace : undefined;
    const raw = (spec.options.users ?? {
      hub: ['SELECT', 'MODIFY'],
      snap: ['SELECT', 'MODIFY'],
    }) as Record<string, string[]>;
    return Object.entries(raw).map(([name, permissions]) => ({
      name,
      permissions,
      ...(ks ? { keyspace: ks } : {}),
    }));
  }

  /** Auth bootstrap (admin/cassandra/auth.ts); holds the operator lock. */
  async authInit(options: { superuser?: string; onStep?: (s: string, d?: string) => void } = {}) {
    const c = await import('../../cassandra/index.js');
    const n = this.nodes().length;
    return this.dep.locked('cassandra auth-init', () =>
      c.authInit({
        connection: this.connection(),
        secretsDir: this.secretsDir(),
        superuser: options.superuser ?? 'salvo_admin',
        users: this.users(),
        systemAuthReplication: {
          class: 'SimpleStrategy',
          replication_factor: String(Math.min(3, n)),
        },
        repairSystemAuth: async () => {
          for (const node of this.nodes()) {
            await this.dep.exec(
              [node.unit.host],
              cmd(...node.nodetool, 'repair', '-full', 'system_auth'),
              { timeoutMs: 3600_000 },
            );
          }
        },
        ...(options.onStep ? { onStep: options.onStep } : {}),
      }),
    );
  }

  /**
   * The ring from every node's point of view (`nodetool status` on each): every node's state as
   * each node sees it, disagreements and nodes that are not UN listed in `problems`.
   */
  async status(): Promise<RingStatus> {
    const { parseNodetoolStatus } = await import('../../probes/nodetool-status.js');
    const nodes = this.nodes();
    const views = await Promise.all(
      nodes.map(async (n): Promise<RingView> => {
        const [r] = await this.dep.exec([n.unit.host], cmd(...n.nodetool, 'status'), {
          timeoutMs: 30_000,
        });
        const parsed = parseNodetoolStatus(r!.stdout);
        if (!r!.ok || !parsed.ok) {
          const why = (r!.stderr || r!.stdout).trim().split('\n').pop() ?? `exit ${r!.exitCode}`;
          return { host: n.unit.host, address: n.listenAddress, ok: false, error: why, rows: [] };
        }
        return { host: n.unit.host, address: n.listenAddress, ok: true, rows: parsed.rows };
      }),
    );
    const problems: string[] = [];
    for (const v of views) {
      if (!v.ok) {
        problems.push(`${v.host}: nodetool status failed: ${v.error}`);
      }
    }
    const addresses = [...new Set(views.flatMap((v) => v.rows.map((r) => r.address)))].sort();
    const ring = addresses.map((address) => {
      const seenBy: Record<string, string> = {};
      for (const v of views.filter((x) => x.ok)) {
        const row = v.rows.find((r) => r.address === address);
        seenBy[v.host] = row ? `${row.status}${row.state}` : 'missing';
      }
      const states = new Set(Object.values(seenBy));
      if (states.size > 1) {
        problems.push(
          `${address}: nodes disagree (${Object.entries(seenBy)
            .map(([h, st]) => `${h} sees ${st}`)
            .join(', ')})`,
        );
      } else if (!states.has('UN')) {
        problems.push(`${address}: ${[...states][0] ?? 'unknown'}`);
      }
      const any = views.flatMap((v) => v.rows).find((r) => r.address === address);
      return {
        address,
        seenBy,
        load: any?.load ?? '?',
        owns: any?.owns ?? '?',
        rack: any?.rack ?? '?',
        dc: any?.dc ?? '?',
        hostId: any?.hostId ?? '?',
      };
    });
    return { views, ring, problems, allUp: problems.length === 0 };
  }

  /** The keyspace of the app's tables (compute_servers …): the cassandra `keyspace` option, default smc. */
  keyspace(): string {
    const spec = serviceSpec(this.dep.inventory, 'cassandra');
    return typeof spec.options.keyspace === 'string' ? spec.options.keyspace : 'smc';
  }

  /** compute_servers: the table's rows (created if missing). */
  async computeServers(options: { user?: string } = {}) {
    const c = await import('../../cassandra/index.js');
    const client = await this.client(options.user ?? 'salvo_admin');
    try {
      return await c.listComputeServers(client, this.keyspace());
    } finally {
      await client.close();
    }
  }

  /** compute_servers: plan the services file's statuses against the table, then (unless dryRun) write them. */
  async syncComputeServers(options: { user?: string; dryRun?: boolean } = {}) {
    const c = await import('../../cassandra/index.js');
    const client = await this.client(options.user ?? 'salvo_admin');
    try {
      const rows = await c.listComputeServers(client, this.keyspace());
      const plan = c.planComputeServers(this.dep.inventory.computeServers, rows);
      if (!options.dryRun && !this.dep.dryRun && plan.changes.length) {
        await this.dep.locked('compute-servers sync', () =>
          c.applyComputePlan(client, this.keyspace(), plan),
        );
      }
      return plan;
    } finally {
      await client.close();
    }
  }

  /** compute_servers: one host's status, by hand (`on`, `no-new`, `off`). */
  async setComputeServer(host: string, status: string, options: { user?: string } = {}) {
    const c = await import('../../cassandra/index.js');
    const client = await this.client(options.user ?? 'salvo_admin');
    try {
      await c.setComputeServer(client, this.keyspace(), host, status as 'on');
    } finally {
      await client.close();
    }
  }

  /** Rolling `nodetool repair -pr`, one node at a time; journaled, resumable; holds the operator lock. */
  async repair(options: CassandraRepairOptions = {}): Promise<RepairSummary> {
    const c = await import('../../cassandra/index.js');
    const { scheduled, ...rest } = options;
    if (scheduled) {
      const m = await this.dep.monitor.maintenance();
      if (m.on) {
        const why = `maintenance is on${m.since ? ` since ${m.since}` : ''}${m.by ? ` (${m.by})` : ''}${m.reason ? `: ${m.reason}` : ''}`;
        return {
          skipped: why,
          runId: '',
          journal: '',
          done: [],
          remaining: this.nodes().map((n) => n.unit.host),
        };
      }
    }
    const nodes = this.nodes().map((n) => ({
      host: n.unit.host,
      address: n.listenAddress,
      nodetool: async (args: string[], timeoutMs: number) => {
        const [r] = await this.dep.exec([n.unit.host], cmd(...n.nodetool, ...args), { timeoutMs });
        return { code: r!.exitCode ?? null, stdout: r!.stdout, stderr: r!.stderr };
      },
    }));
    return this.dep.locked('cassandra repair', () =>
      c.rollingRepair({
        nodes,
        runsDir: join(this.dep.inventory.dir, '.salvo', 'runs'),
        ...rest,
      }),
    );
  }
}

declare module '../subsystems.js' {
  interface Subsystems {
    /** Cassandra: client, auth-init, rolling repair. */
    readonly cassandra: CassandraApi;
  }
}

registerSubsystem(
  'cassandra',
  'Cassandra: client auth-init repair',
  (dep) => new CassandraApi(dep),
);
