// LAB ONLY. Statements run on a simulated node: DDL, reads and writes through the ring
// (node/), lightweight transactions with `[applied]`, TTLs, roles and grants (enforced), and
// the system tables the driver and cqlsh read. The Engine holds the node, logs in, and sends
// each statement to its part: schema.ts (DDL), writes.ts and reads.ts (DML, with values.ts),
// auth.ts (roles, grants), system.ts (system tables); context.ts holds what they share.
import { CqlError, invalid } from '../errors.js';
import type { SimNode } from '../node/index.js';
import type { Parsed, Statement, TableRef } from '../parser/index.js';
import { ERR } from '../protocol.js';
import { T } from '../types.js';
import { authorize, passwordHash, roleStatement } from './auth.js';
import { type Column, type Ctx, nowMicros, type Result, type Schema } from './context.js';
import { select } from './reads.js';
import { keyspaceDdl, schemaOf, tableDdl } from './schema.js';
import { modify } from './writes.js';

export type { Column, Ctx, Result } from './context.js';
export { nowMicros } from './context.js';
export { passwordHash } from './auth.js';

export class Engine {
  constructor(private readonly node: SimNode) {}

  private get meta() {
    return this.node.store.meta;
  }

  /** The default superuser, created at first start when no role exists (as CassandraRoleManager does). */
  ensureDefaultRole(): void {
    if (Object.keys(this.meta.roles).length === 0) {
      this.meta.roles.cassandra = {
        password: passwordHash('cassandra', 'cassandra'),
        login: true,
        superuser: true,
        memberOf: [],
        ts: 1,
      };
      this.node.store.dirty();
    }
  }

  login(user: string, password: string): void {
    try {
      this.node.liveReplicas(
        'system_auth',
        JSON.stringify([user]),
        user === 'cassandra' ? 'QUORUM' : 'LOCAL_ONE',
      );
    } catch {
      throw new CqlError(
        ERR.BAD_CREDENTIALS,
        `Unable to perform authentication: Cannot achieve consistency level ${user === 'cassandra' ? 'QUORUM' : 'LOCAL_ONE'}`,
      );
    }
    const r = this.meta.roles[user];
    if (!r || r.dropped || r.password !== passwordHash(user, password)) {
      throw new CqlError(
        ERR.BAD_CREDENTIALS,
        `Provided username ${user} and/or password are incorrect`,
      );
    }
    if (!r.login) {
      throw new CqlError(ERR.BAD_CREDENTIALS, `${user} is not permitted to log in`);
    }
  }

  /** Types of the bind markers (for PREPARE). */
  markerTypes(p: Parsed, keyspace: string | undefined): Column[] {
    const s = p.statement;
    const ref = 'ref' in s ? s.ref : undefined;
    let schema: Schema | undefined;
    if (ref) {
      try {
        schema = this.schemaOf(ref, keyspace);
      } catch {
        schema = undefined;
      }
    }
    return p.markers.map((m, i) => {
      const name = p.markerNames[i] ?? m;
      if (m === '[ttl]' || m === '[limit]') {
        return { name, type: T.int };
      }
      if (m === '[timestamp]') {
        return { name, type: T.bigint };
      }
      const col = schema?.columns.find((c) => c.name === m);
      if (!col && ref) {
        throw invalid(`Undefined column name ${m}`);
      }
      return { name, type: col?.type ?? T.text };
    });
  }

  async execute(p: Parsed, ctx: Ctx): Promise<Result> {
    return this.run(p.statement, ctx);
  }

  private async run(s: Statement, ctx: Ctx): Promise<Result> {
    switch (s.type) {
      case 'use':
        this.node.checkKeyspace(s.ks);
        return { kind: 'keyspace', ks: s.ks };
      case 'createKeyspace':
      case 'alterKeyspace':
      case 'dropKeyspace':
        return keyspaceDdl(this.node, s, ctx);
      case 'createTable':
      case 'alterTable':
      case 'dropTable':
        return tableDdl(this.node, s, ctx);
      case 'truncate': {
        const t = this.schemaOf(s.ref, ctx.keyspace);
        this.authorize(ctx, 'modify', `data/${t.ks}/${t.table}`);
        this.meta.truncated[`${t.ks}.${t.table}`] = nowMicros();
        await this.node.spreadMeta();
        return { kind: 'void' };
      }
      case 'insert':
      case 'update':
      case 'delete':
        return modify(this.node, s, ctx);
      case 'select':
        return select(this.node, s, ctx);
      case 'batch': {
        for (const st of s.statements) {
          await this.run(st, ctx);
        }
        return { kind: 'void' };
      }
      default:
        return roleStatement(this.node, s, ctx);
    }
  }

  schemaOf(ref: TableRef, keyspace: string | undefined): Schema {
    return schemaOf(this.node, ref, keyspace);
  }

  authorize(ctx: Ctx, perm: string, resource: string): void {
    authorize(this.node, ctx, perm, resource);
  }
}
