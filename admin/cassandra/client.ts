// The Cassandra client: cassandra-driver with every time bounded and recovery built in. The old
// tool hung forever after one timeout; here:
// - connect, read and whole-operation deadlines are explicit (a call never waits longer than
//   `operationTimeoutMs`, whatever the driver does);
// - the driver's reconnection policy (exponential, `reconnectBaseMs` … `reconnectMaxMs`) brings
//   pools back when nodes return; a client whose first connect failed is thrown away and made
//   anew on the next call, so an outage at start-up does not poison it either;
// - transient failures (timeouts, Overloaded, Unavailable, no host) of idempotent statements
//   are retried a few times with backoff; others fail at once with a CassandraError.
import cassandra from 'cassandra-driver';
import { forceShutdown, stopDroppedHosts } from './driver-fixes.js';
import { CassandraError, type CassandraFailure } from './errors.js';

export interface ClientOptions {
  contactPoints: string[];
  port: number;
  localDataCenter: string;
  username?: string;
  password?: string;
  keyspace?: string;
  consistency?: string; // QUORUM by default
  connectTimeoutMs?: number;
  readTimeoutMs?: number;
  operationTimeoutMs?: number;
  reconnectBaseMs?: number;
  reconnectMaxMs?: number;
  retries?: number;
}

export interface ExecOptions {
  consistency?: string;
  idempotent?: boolean; // default: true for SELECT, false otherwise
  prepare?: boolean;
  timeoutMs?: number;
}

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
  applied: boolean;
  warnings: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function consistencyCode(name: string): number {
  const key = name.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
  const code = (cassandra.types.consistencies as unknown as Record<string, number>)[key];
  if (code === undefined) {
    throw new CassandraError('invalid', `unknown consistency level ${name}`);
  }
  return code;
}

/** What a driver error means, for retry decisions and messages. */
export function classify(e: unknown): CassandraFailure {
  const err = e as {
    name?: string;
    code?: number;
    message?: string;
    innerErrors?: Record<string, unknown>;
  };
  if (err.name === 'NoHostAvailableError') {
    const inner = Object.values(err.innerErrors ?? {});
    if (
      inner.length &&
      inner.every((i) => (i as { name?: string }).name === 'AuthenticationError')
    ) {
      return 'auth';
    }
    return 'unreachable';
  }
  if (err.name === 'AuthenticationError') {
    return 'auth';
  }
  if (err.name === 'OperationTimedOutError' || err.name === 'BusyConnectionError') {
    return 'timeout';
  }
  switch (err.code) {
    case 0x1000:
      return 'unavailable';
    case 0x1001:
    case 0x1002:
      return 'overloaded';
    case 0x1100:
    case 0x1200:
      return 'timeout';
    case 0x0100:
    case 0x2100:
      return 'auth';
  }
  if (/ECONNREFUSED|ECONNRESET|socket|closed|EHOSTUNREACH/i.test(err.message ?? '')) {
    return 'unreachable';
  }
  return 'invalid';
}

const TRANSIENT: CassandraFailure[] = ['unreachable', 'timeout', 'unavailable', 'overloaded'];

export class CassandraClient {
  private client: cassandra.Client | undefined;
  private connecting: Promise<cassandra.Client> | undefined;
  private closed = false;
  /** Every driver client made, so close() shuts down even one abandoned mid-connect. */
  private readonly made = new Set<cassandra.Client>();
  readonly o: Required<Omit<ClientOptions, 'username' | 'password' | 'keyspace'>> &
    Pick<ClientOptions, 'username' | 'password' | 'keyspace'>;

  constructor(o: ClientOptions) {
    this.o = {
      consistency: 'QUORUM',
      connectTimeoutMs: 3000,
      readTimeoutMs: 5000,
      operationTimeoutMs: 10_000,
      reconnectBaseMs: 500,
      reconnectMaxMs: 5000,
      retries: 3,
      ...o,
    };
  }

  private make(): cassandra.Client {
    const o = this.o;
    const c = new cassandra.Client({
      contactPoints: o.contactPoints,
      localDataCenter: o.localDataCenter,
      protocolOptions: { port: o.port, maxVersion: 4 },
      ...(o.username !== undefined
        ? { credentials: { username: o.username, password: o.password ?? '' } }
        : {}),
      ...(o.keyspace ? { keyspace: o.keyspace } : {}),
      isMetadataSyncEnabled: false,
      pooling: { heartBeatInterval: 2000, warmup: true },
      socketOptions: {
        connectTimeout: o.connectTimeoutMs,
        readTimeout: o.readTimeoutMs,
        defunctReadTimeoutThreshold: 4,
      },
      policies: {
        reconnection: new cassandra.policies.reconnection.ExponentialReconnectionPolicy(
          o.reconnectBaseMs,
          o.reconnectMaxMs,
          false,
        ),
        retry: new cassandra.policies.retry.IdempotenceAwareRetryPolicy(
          new cassandra.policies.retry.RetryPolicy(),
        ),
      },
      queryOptions: { consistency: consistencyCode(o.consistency) },
    });
    stopDroppedHosts(c);
    return c;
  }

  /** The connected driver client, connecting (again) when needed; bounded by the deadline. */
  private async ready(deadline: number): Promise<cassandra.Client> {
    if (this.closed) {
      throw new CassandraError('invalid', 'the Cassandra client is closed');
    }
    if (this.client) {
      return this.client;
    }
    this.connecting ??= (async () => {
      const c = this.make();
      this.made.add(c);
      try {
        await c.connect();
        if (this.closed) {
          forceShutdown(c);
          throw new CassandraError('invalid', 'the Cassandra client was closed while connecting');
        }
        this.client = c;
        return c;
      } catch (e) {
        forceShutdown(c);
        throw e;
      } finally {
        this.connecting = undefined;
      }
    })();
    return withDeadline(this.connecting, deadline, 'connecting');
  }

  async connect(): Promise<void> {
    await this.run(async (d) => {
      await this.ready(d);
    }, true);
  }

  async execute(
    query: string,
    params: unknown[] = [],
    opts: ExecOptions = {},
  ): Promise<QueryResult> {
    const idempotent = opts.idempotent ?? /^\s*select\b/i.test(query);
    return this.run(
      async (deadline) => {
        const c = await this.ready(deadline);
        const rs = await withDeadline(
          c.execute(query, params, {
            prepare: opts.prepare ?? params.length > 0,
            isIdempotent: idempotent,
            consistency: consistencyCode(opts.consistency ?? this.o.consistency),
            readTimeout: Math.max(100, Math.min(this.o.readTimeoutMs, deadline - Date.now())),
          }),
          deadline,
          'the query',
        );
        return {
          columns: (rs.columns ?? []).map((c) => c.name),
          rows: (rs.rows ?? []).map((r) => ({ ...r })),
          applied: rs.wasApplied(),
          warnings: rs.info.warnings ?? [],
        };
      },
      idempotent,
      opts.timeoutMs,
    );
  }

  /** Retries transient failures (all of them while connecting; only idempotent statements after). */
  private async run<T>(
    work: (deadline: number) => Promise<T>,
    idempotent: boolean,
    timeoutMs?: number,
  ): Promise<T> {
    const deadline = Date.now() + (timeoutMs ?? this.o.operationTimeoutMs);
    let last: unknown;
    for (let attempt = 0; attempt <= this.o.retries; attempt++) {
      try {
        return await work(deadline);
      } catch (e) {
        last = e;
        const kind = e instanceof CassandraError ? e.failure : classify(e);
        const connecting = this.client === undefined;
        if (kind === 'unreachable' && this.client) {
          // Every node failed this call: start over with a fresh driver client next time
          // rather than trusting the old one's pools to come back.
          const old = this.client;
          this.client = undefined;
          forceShutdown(old);
        }
        if (!TRANSIENT.includes(kind) || (!idempotent && !connecting) || Date.now() >= deadline) {
          break;
        }
        await sleep(Math.min(200 * 2 ** attempt, Math.max(0, deadline - Date.now())));
      }
    }
    throw toCassandraError(last, this.o.contactPoints);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    const c = this.client;
    this.client = undefined;
    await c?.shutdown().catch(() => undefined);
    for (const m of this.made) {
      forceShutdown(m);
    }
    this.made.clear();
  }
}

function withDeadline<T>(p: Promise<T>, deadline: number, what: string): Promise<T> {
  const left = deadline - Date.now();
  if (left <= 0) {
    return Promise.reject(new CassandraError('timeout', `${what} did not finish in time`));
  }
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(
        () => reject(new CassandraError('timeout', `${what} did not finish within ${left} ms`)),
        left,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

export function toCassandraError(e: unknown, contactPoints: string[]): CassandraError {
  if (e instanceof CassandraError) {
    return e;
  }
  const kind = classify(e);
  const err = e as { message?: string; innerErrors?: Record<string, { message?: string }> };
  let message = err.message ?? String(e);
  if (kind === 'unreachable' || kind === 'auth') {
    const inner = Object.entries(err.innerErrors ?? {}).map(([h, i]) => `${h}: ${i.message ?? i}`);
    message =
      kind === 'auth'
        ? `authentication failed: ${inner[0] ?? message}`
        : `no Cassandra node answered (${contactPoints.join(', ')})${inner.length ? `: ${inner.join('; ')}` : ''}`;
  }
  return new CassandraError(kind, message);
}
