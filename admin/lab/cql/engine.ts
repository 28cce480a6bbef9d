// LAB ONLY. Statements run on a simulated node: DDL, reads and writes through the ring
// (node.ts), lightweight transactions with `[applied]`, TTLs, roles and grants (enforced), and
// the system tables the driver and cqlsh read.
import { createHash } from 'node:crypto';
import { CqlError, invalid } from './errors.js';
import type { SimNode } from './node.js';
import type { Cond, Parsed, RoleOptions, Selector, Statement, TableRef, Term } from './parser.js';
import { ERR } from './protocol.js';
import { replicationFactor } from './ring.js';
import type { Row, Rows } from './store.js';
import { coerce, mapOf, parseType, setOf, T, type CqlType, type Value } from './types.js';

export interface Column {
  name: string;
  type: CqlType;
}
export type Result = (
  | { kind: 'void' }
  | { kind: 'rows'; ks: string; table: string; columns: Column[]; rows: Value[][] }
  | { kind: 'keyspace'; ks: string }
  | { kind: 'schema'; change: string; target: string; ks: string; name?: string }
) & { warnings?: string[] };

export interface Ctx {
  user?: string; // undefined: not authenticated (auth off)
  keyspace?: string;
  consistency: string;
  values: (Value | undefined)[];
  timestamp?: number; // µs
}

interface Schema {
  ks: string;
  table: string;
  columns: Column[];
  pk: string[];
  ck: string[];
}

const MAX_TTL = 630720000;
let lastTs = 0;
export function nowMicros(): number {
  lastTs = Math.max(lastTs + 1, Date.now() * 1000);
  return lastTs;
}

export function passwordHash(role: string, password: string): string {
  return createHash('sha256').update(`${role}\0${password}`).digest('hex');
}

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
        return this.keyspace(s, ctx);
      case 'createTable':
      case 'alterTable':
      case 'dropTable':
        return this.table(s, ctx);
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
        return this.modify(s, ctx);
      case 'select':
        return this.select(s, ctx);
      case 'batch': {
        for (const st of s.statements) {
          await this.run(st, ctx);
        }
        return { kind: 'void' };
      }
      default:
        return this.roles(s, ctx);
    }
  }

  // ---- schema ----

  private schemaChange(change: string, target: string, ks: string, name?: string): Result {
    return name === undefined
      ? { kind: 'schema', change, target, ks }
      : { kind: 'schema', change, target, ks, name };
  }

  private async keyspace(
    s: Extract<Statement, { type: 'createKeyspace' | 'alterKeyspace' | 'dropKeyspace' }>,
    ctx: Ctx,
  ): Promise<Result> {
    const existing = this.meta.keyspaces[s.ks];
    const exists = existing !== undefined && !existing.dropped;
    if (s.type === 'createKeyspace') {
      this.authorize(ctx, 'create', 'data');
      if (exists) {
        if (s.ifNotExists) {
          return { kind: 'void' };
        }
        throw new CqlError(ERR.ALREADY_EXISTS, `Keyspace ${s.ks} already exists`, (w) =>
          w.string(s.ks).string(''),
        );
      }
      this.checkReplication(s.replication);
      this.meta.keyspaces[s.ks] = { replication: s.replication, ts: nowMicros() };
      await this.node.spreadMeta();
      return this.schemaChange('CREATED', 'KEYSPACE', s.ks);
    }
    if (!exists) {
      if (s.type === 'dropKeyspace' && s.ifExists) {
        return { kind: 'void' };
      }
      throw new CqlError(
        ERR.CONFIG,
        `Cannot ${s.type === 'dropKeyspace' ? 'drop non existing' : 'alter non existing'} keyspace '${s.ks}'.`,
      );
    }
    if (s.type === 'dropKeyspace') {
      this.authorize(ctx, 'drop', `data/${s.ks}`);
      if (s.ks.startsWith('system')) {
        throw new CqlError(ERR.UNAUTHORIZED, `Cannot DROP <keyspace ${s.ks}>`);
      }
      this.meta.keyspaces[s.ks] = { ...existing!, dropped: true, ts: nowMicros() };
      for (const [k, t] of Object.entries(this.meta.tables)) {
        if (k.startsWith(`${s.ks}.`)) {
          this.meta.tables[k] = { ...t, dropped: true, ts: nowMicros() };
        }
      }
      await this.node.spreadMeta();
      return this.schemaChange('DROPPED', 'KEYSPACE', s.ks);
    }
    this.authorize(ctx, 'alter', `data/${s.ks}`);
    this.checkReplication(s.replication);
    const n = this.node.members.length;
    const before = replicationFactor(existing!.replication, 1000);
    const after = replicationFactor(s.replication, 1000);
    this.meta.keyspaces[s.ks] = { replication: s.replication, ts: nowMicros() };
    await this.node.spreadMeta();
    const r = this.schemaChange('UPDATED', 'KEYSPACE', s.ks);
    const warnings: string[] = [];
    if (after > before) {
      warnings.push(
        'When increasing replication factor you need to run a full (-full) repair to distribute the data.',
      );
    }
    if (after > n) {
      warnings.push(
        `Your replication factor ${after} for keyspace ${s.ks} is higher than the number of nodes ${n}`,
      );
    }
    return warnings.length ? { ...r, warnings } : r;
  }

  private checkReplication(r: Record<string, string>): void {
    const cls = r.class ?? '';
    if (!/(SimpleStrategy|NetworkTopologyStrategy)$/.test(cls)) {
      throw new CqlError(ERR.CONFIG, `Unable to find replication strategy class '${cls}'`);
    }
    if (/SimpleStrategy$/.test(cls) && r.replication_factor === undefined) {
      throw new CqlError(
        ERR.CONFIG,
        'SimpleStrategy requires a replication_factor strategy option.',
      );
    }
  }

  private async table(
    s: Extract<Statement, { type: 'createTable' | 'alterTable' | 'dropTable' }>,
    ctx: Ctx,
  ): Promise<Result> {
    const ks = s.ref.ks ?? ctx.keyspace;
    if (!ks) {
      throw invalid(
        'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename',
      );
    }
    this.node.checkKeyspace(ks);
    const key = `${ks}.${s.ref.table}`;
    const existing = this.meta.tables[key];
    const exists = existing !== undefined && !existing.dropped;
    if (s.type === 'createTable') {
      this.authorize(ctx, 'create', `data/${ks}`);
      if (exists) {
        if (s.ifNotExists) {
          return { kind: 'void' };
        }
        throw new CqlError(ERR.ALREADY_EXISTS, `Object ${key} already exists`, (w) =>
          w.string(ks).string(s.ref.table),
        );
      }
      for (const c of s.columns) {
        parseType(c.type);
      }
      for (const k of [...s.pk, ...s.ck]) {
        if (!s.columns.some((c) => c.name === k)) {
          throw invalid(`Unknown definition ${k} referenced in PRIMARY KEY`);
        }
      }
      this.meta.tables[key] = { columns: s.columns, pk: s.pk, ck: s.ck, ts: nowMicros() };
      delete this.node.store.state.data[key];
      await this.node.spreadMeta();
      return this.schemaChange('CREATED', 'TABLE', ks, s.ref.table);
    }
    if (!exists) {
      if (s.type === 'dropTable' && s.ifExists) {
        return { kind: 'void' };
      }
      throw invalid(`table ${s.ref.table} does not exist`);
    }
    if (s.type === 'dropTable') {
      this.authorize(ctx, 'drop', `data/${ks}/${s.ref.table}`);
      this.meta.tables[key] = { ...existing!, dropped: true, ts: nowMicros() };
    } else {
      this.authorize(ctx, 'alter', `data/${ks}/${s.ref.table}`);
      const columns = existing!.columns.filter((c) => !s.drop.includes(c.name)).concat(s.add);
      this.meta.tables[key] = { ...existing!, columns, ts: nowMicros() };
    }
    await this.node.spreadMeta();
    return this.schemaChange(
      s.type === 'dropTable' ? 'DROPPED' : 'UPDATED',
      'TABLE',
      ks,
      s.ref.table,
    );
  }

  schemaOf(ref: TableRef, keyspace: string | undefined): Schema {
    const ks = ref.ks ?? keyspace;
    if (!ks) {
      throw invalid(
        'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename',
      );
    }
    const v = this.virtualSchema(ks, ref.table);
    if (v) {
      return v;
    }
    this.node.checkKeyspace(ks);
    const def = this.meta.tables[`${ks}.${ref.table}`];
    if (!def || def.dropped) {
      throw invalid(`unconfigured table ${ref.table}`);
    }
    return {
      ks,
      table: ref.table,
      columns: def.columns.map((c) => ({ name: c.name, type: parseType(c.type) })),
      pk: def.pk,
      ck: def.ck,
    };
  }

  // ---- values ----

  private value(t: Term, type: CqlType, ctx: Ctx): Value | undefined {
    if ('lit' in t) {
      try {
        return coerce(type, t.lit);
      } catch (e) {
        throw invalid((e as Error).message);
      }
    }
    const v = ctx.values[t.marker];
    if (v === undefined || v === null) {
      return v;
    }
    return coerce(type, v);
  }

  private ttlOf(t: Term | undefined, ctx: Ctx): number | undefined {
    if (!t) {
      return undefined;
    }
    const v = this.value(t, T.int, ctx);
    if (v === null) {
      throw invalid('Invalid null value of TTL');
    }
    const n = Number(v ?? 0);
    if (n < 0) {
      throw invalid(`A TTL must be greater or equal to 0, but was ${n}`);
    }
    if (n > MAX_TTL) {
      throw invalid(`ttl is too large. requested (${n}) maximum (${MAX_TTL})`);
    }
    return n === 0 ? undefined : n;
  }

  private col(schema: Schema, name: string): Column {
    const c = schema.columns.find((x) => x.name === name);
    if (!c) {
      throw invalid(`Undefined column name ${name}`);
    }
    return c;
  }

  /** The full primary key from `where` (= on every key column), as the storage key and partition. */
  private keyOf(
    schema: Schema,
    where: Cond[],
    ctx: Ctx,
  ): { key: string; partition: string; values: Value[] } {
    const values = [...schema.pk, ...schema.ck].map((k) => {
      const c = where.find((w) => w.col === k && w.op === '=');
      if (!c) {
        throw invalid(
          `Some ${schema.pk.includes(k) ? 'partition' : 'clustering'} key parts are missing: ${k}`,
        );
      }
      const v = this.value(c.terms[0]!, this.col(schema, k).type, ctx);
      if (v === null || v === undefined) {
        throw invalid(`Invalid null value in condition for column ${k}`);
      }
      return v;
    });
    return {
      key: JSON.stringify(values),
      partition: JSON.stringify(values.slice(0, schema.pk.length)),
      values,
    };
  }

  private rowValues(schema: Schema, key: string, row: Row): Record<string, Value> {
    const keyVals = JSON.parse(key) as Value[];
    const out: Record<string, Value> = {};
    [...schema.pk, ...schema.ck].forEach((k, i) => {
      out[k] = keyVals[i]!;
    });
    for (const c of schema.columns) {
      if (!(c.name in out)) {
        out[c.name] = row.cells[c.name]?.v ?? null;
      }
    }
    return out;
  }

  // ---- writes ----

  private async modify(
    s: Extract<Statement, { type: 'insert' | 'update' | 'delete' }>,
    ctx: Ctx,
  ): Promise<Result> {
    const schema = this.schemaOf(s.ref, ctx.keyspace);
    if (schema.ks.startsWith('system')) {
      throw new CqlError(ERR.UNAUTHORIZED, `${schema.ks} keyspace is not user-modifiable.`);
    }
    this.authorize(ctx, 'modify', `data/${schema.ks}/${schema.table}`);
    const ts = ctx.timestamp ?? nowMicros();
    let where: Cond[];
    const row: Row = { cells: {} };
    if (s.type === 'insert') {
      where = s.columns.map((col, i) => ({ col, op: '=' as const, terms: [s.values[i]!] }));
    } else {
      where = s.where;
    }
    const k = this.keyOf(schema, where, ctx);
    const ttl = s.type === 'delete' ? undefined : this.ttlOf(s.ttl, ctx);
    const exp = ttl === undefined ? undefined : Date.now() + ttl * 1000;
    const cell = (v: Value) => (exp === undefined ? { v, ts } : { v, ts, exp });
    if (s.type === 'insert') {
      row.marker = exp === undefined ? { ts } : { ts, exp };
      s.columns.forEach((col, i) => {
        const c = this.col(schema, col);
        if (!schema.pk.includes(col) && !schema.ck.includes(col)) {
          const v = this.value(s.values[i]!, c.type, ctx);
          if (v !== undefined) {
            row.cells[col] = cell(v);
          }
        }
      });
    } else if (s.type === 'update') {
      for (const set of s.sets) {
        const c = this.col(schema, set.col);
        if (schema.pk.includes(set.col) || schema.ck.includes(set.col)) {
          throw invalid(`PRIMARY KEY part ${set.col} found in SET part`);
        }
        const v = this.value(set.term, c.type, ctx);
        if (v !== undefined) {
          row.cells[set.col] = cell(v);
        }
      }
    } else if (s.columns.length === 0) {
      row.deleted = ts;
    } else {
      for (const col of s.columns) {
        this.col(schema, col);
        row.cells[col] = { v: null, ts };
      }
    }
    const conditional =
      (s.type === 'insert' && s.ifNotExists) ||
      (s.type !== 'insert' && (s.ifExists || s.conditions.length > 0));
    if (!conditional) {
      await this.node.write(schema.ks, schema.table, k.partition, k.key, row, ctx.consistency);
      return { kind: 'void' };
    }
    // A lightweight transaction: read at SERIAL (a quorum), compare, then write.
    const current = (
      await this.node.read(schema.ks, schema.table, k.partition, schema.pk.length, 'SERIAL')
    )[k.key];
    const applied = (cols: Column[], vals: Value[], ok: boolean): Result => ({
      kind: 'rows',
      ks: schema.ks,
      table: schema.table,
      columns: [{ name: '[applied]', type: T.boolean }, ...cols],
      rows: [[ok, ...vals]],
    });
    let ok: boolean;
    let failCols: Column[] = [];
    if (s.type === 'insert') {
      ok = current === undefined;
      failCols = schema.columns;
    } else if (s.ifExists) {
      ok = current !== undefined;
      failCols = schema.columns;
    } else {
      const vals = current ? this.rowValues(schema, k.key, current) : undefined;
      ok =
        vals !== undefined &&
        s.conditions.every((c) => {
          const col = this.col(schema, c.col);
          return c.terms.some(
            (t) => JSON.stringify(this.value(t, col.type, ctx)) === JSON.stringify(vals[c.col]),
          );
        });
      failCols = [...new Set(s.conditions.map((c) => c.col))].map((c) => this.col(schema, c));
    }
    if (ok) {
      await this.node.write(schema.ks, schema.table, k.partition, k.key, row, 'QUORUM');
      return applied([], [], true);
    }
    if (!current) {
      return applied([], [], false);
    }
    const vals = this.rowValues(schema, k.key, current);
    return applied(
      failCols,
      failCols.map((c) => vals[c.name] ?? null),
      false,
    );
  }

  // ---- reads ----

  private async select(s: Extract<Statement, { type: 'select' }>, ctx: Ctx): Promise<Result> {
    const schema = this.schemaOf(s.ref, ctx.keyspace);
    let records: { key: string; values: Record<string, Value>; row?: Row }[];
    const virtual = this.virtualRows(schema.ks, schema.table);
    if (virtual) {
      records = virtual.map((values, i) => ({ key: String(i), values }));
    } else {
      this.authorize(ctx, 'select', `data/${schema.ks}/${schema.table}`);
      let rows: Rows;
      const pkConds = schema.pk.map((k) => s.where.find((w) => w.col === k));
      if (pkConds.every((c) => c && (c.op === '=' || c.op === 'IN'))) {
        const combos = pkConds.reduce<Value[][]>(
          (acc, c) => {
            const type = this.col(schema, c!.col).type;
            const vals = c!.terms.map((t) => this.value(t, type, ctx) ?? null);
            return acc.flatMap((a) => vals.map((v) => [...a, v]));
          },
          [[]],
        );
        rows = {};
        for (const combo of combos) {
          Object.assign(
            rows,
            await this.node.read(
              schema.ks,
              schema.table,
              JSON.stringify(combo),
              schema.pk.length,
              ctx.consistency,
            ),
          );
        }
      } else {
        this.node.liveReplicas(schema.ks, '[]', ctx.consistency);
        rows = await this.node.scan(schema.ks, schema.table);
      }
      records = Object.entries(rows)
        .sort(([a], [b]) => compare(a, b))
        .map(([key, row]) => ({ key, row, values: this.rowValues(schema, key, row) }));
    }
    records = records.filter((r) =>
      s.where.every((c) => {
        const col = this.col(schema, c.col);
        const v = JSON.stringify(r.values[c.col] ?? null);
        const targets = c.terms.map((t) => this.value(t, col.type, ctx) ?? null);
        if (c.op === '=' || c.op === 'IN') {
          return targets.some((t) => JSON.stringify(t) === v);
        }
        const a = r.values[c.col] as number | string;
        const b = targets[0] as number | string;
        return RANGE[c.op as '<'](a, b);
      }),
    );
    if (s.limit) {
      records = records.slice(0, Number(this.value(s.limit, T.int, ctx) ?? records.length));
    }
    const selectors: Selector[] =
      s.selectors === '*' ? schema.columns.map((c) => ({ kind: 'col', col: c.name })) : s.selectors;
    if (selectors.some((x) => x.kind === 'count')) {
      return {
        kind: 'rows',
        ks: schema.ks,
        table: schema.table,
        columns: [{ name: 'count', type: T.bigint }],
        rows: [[String(records.length)]],
      };
    }
    const columns = selectors.map((x): Column => {
      if (x.kind === 'col') {
        return this.col(schema, x.col);
      }
      if (x.kind === 'count') {
        return { name: 'count', type: T.bigint };
      }
      this.col(schema, x.col);
      return x.kind === 'ttl'
        ? { name: `ttl(${x.col})`, type: T.int }
        : { name: `writetime(${x.col})`, type: T.bigint };
    });
    const now = Date.now();
    return {
      kind: 'rows',
      ks: schema.ks,
      table: schema.table,
      columns,
      rows: records.map((r) =>
        selectors.map((x) => {
          if (x.kind === 'col') {
            return r.values[x.col] ?? null;
          }
          const cell = r.row?.cells[(x as { col: string }).col];
          if (!cell) {
            return null;
          }
          if (x.kind === 'ttl') {
            return cell.exp === undefined ? null : Math.ceil((cell.exp - now) / 1000);
          }
          return String(cell.ts);
        }),
      ),
    };
  }

  // ---- system tables ----

  private virtualSchema(ks: string, table: string): Schema | undefined {
    const cols = (...c: [string, CqlType][]): Column[] => c.map(([name, type]) => ({ name, type }));
    const common: [string, CqlType][] = [
      ['data_center', T.text],
      ['host_id', T.uuid],
      ['rack', T.text],
      ['release_version', T.text],
      ['rpc_address', T.inet],
      ['schema_version', T.uuid],
      ['tokens', setOf(T.text)],
    ];
    if (ks === 'system' && table === 'local') {
      return {
        ks,
        table,
        columns: cols(
          ['key', T.text],
          ['bootstrapped', T.text],
          ['broadcast_address', T.inet],
          ['cluster_name', T.text],
          ['cql_version', T.text],
          ['listen_address', T.inet],
          ['native_protocol_version', T.text],
          ['partitioner', T.text],
          ...common,
        ),
        pk: ['key'],
        ck: [],
      };
    }
    if (ks === 'system' && table === 'peers') {
      return { ks, table, columns: cols(['peer', T.inet], ...common), pk: ['peer'], ck: [] };
    }
    if (ks === 'system_schema' && table === 'keyspaces') {
      return {
        ks,
        table,
        columns: cols(
          ['keyspace_name', T.text],
          ['durable_writes', T.boolean],
          ['replication', mapOf(T.text, T.text)],
        ),
        pk: ['keyspace_name'],
        ck: [],
      };
    }
    if (ks === 'system_schema' && table === 'tables') {
      return {
        ks,
        table,
        columns: cols(['keyspace_name', T.text], ['table_name', T.text]),
        pk: ['keyspace_name'],
        ck: ['table_name'],
      };
    }
    if (ks === 'system_schema' && table === 'columns') {
      return {
        ks,
        table,
        columns: cols(
          ['keyspace_name', T.text],
          ['table_name', T.text],
          ['column_name', T.text],
          ['kind', T.text],
          ['position', T.int],
          ['type', T.text],
        ),
        pk: ['keyspace_name'],
        ck: ['table_name', 'column_name'],
      };
    }
    if (ks === 'system_auth' && table === 'roles') {
      return {
        ks,
        table,
        columns: cols(
          ['role', T.text],
          ['can_login', T.boolean],
          ['is_superuser', T.boolean],
          ['member_of', setOf(T.text)],
        ),
        pk: ['role'],
        ck: [],
      };
    }
    return undefined;
  }

  private virtualRows(ks: string, table: string): Record<string, Value>[] | undefined {
    const n = this.node;
    const nodeRow = (address: string, release: string | undefined, schema: string | undefined) => {
      const m = n.members.find((x) => x.address === address)!;
      return {
        data_center: m.dc,
        rack: m.rack,
        host_id: hostIdFor(address),
        release_version: release ?? n.o.release,
        rpc_address: address,
        schema_version: schema ?? n.store.schemaVersion(),
        tokens: [tokenFor(address)],
      };
    };
    if (ks === 'system' && table === 'local') {
      return [
        {
          key: 'local',
          bootstrapped: 'COMPLETED',
          broadcast_address: n.self.address,
          cluster_name: n.o.clusterName,
          cql_version: '3.4.5',
          listen_address: n.self.address,
          native_protocol_version: '4',
          partitioner: 'org.apache.cassandra.dht.Murmur3Partitioner',
          ...nodeRow(n.self.address, n.o.release, n.store.schemaVersion()),
        },
      ];
    }
    if (ks === 'system' && table === 'peers') {
      return n.others().map((m) => {
        const v = n.peers.get(m.address);
        return { peer: m.address, ...nodeRow(m.address, v?.release, v?.schemaVersion) };
      });
    }
    const liveKs = Object.entries(this.meta.keyspaces).filter(([, d]) => !d.dropped);
    const liveTables = Object.entries(this.meta.tables).filter(([, d]) => !d.dropped);
    if (ks === 'system_schema' && table === 'keyspaces') {
      return liveKs.map(([name, d]) => ({
        keyspace_name: name,
        durable_writes: true,
        replication: Object.entries(d.replication).map(([k, v]) => [
          k,
          k === 'class' && !v.includes('.') ? `org.apache.cassandra.locator.${v}` : v,
        ]),
      }));
    }
    if (ks === 'system_schema' && table === 'tables') {
      return liveTables.map(([k]) => {
        const [kn, tn] = k.split('.');
        return { keyspace_name: kn!, table_name: tn! };
      });
    }
    if (ks === 'system_schema' && table === 'columns') {
      return liveTables.flatMap(([k, d]) => {
        const [kn, tn] = k.split('.');
        return d.columns.map((c) => ({
          keyspace_name: kn!,
          table_name: tn!,
          column_name: c.name,
          kind: columnKind(d, c.name),
          position:
            columnKind(d, c.name) === 'regular'
              ? -1
              : Math.max(d.pk.indexOf(c.name), d.ck.indexOf(c.name)),
          type: c.type,
        }));
      });
    }
    if (ks === 'system_auth' && table === 'roles') {
      return Object.entries(this.meta.roles)
        .filter(([, r]) => !r.dropped)
        .map(([role, r]) => ({
          role,
          can_login: r.login,
          is_superuser: r.superuser,
          member_of: r.memberOf,
        }));
    }
    return undefined;
  }

  // ---- roles and permissions ----

  private isSuper(user: string): boolean {
    return this.rolesOf(user).some((r) => this.meta.roles[r]?.superuser);
  }

  private rolesOf(user: string): string[] {
    const out = new Set<string>();
    const visit = (r: string): void => {
      const def = this.meta.roles[r];
      if (out.has(r) || !def || def.dropped) {
        return;
      }
      out.add(r);
      def.memberOf.forEach(visit);
    };
    visit(user);
    return [...out];
  }

  authorize(ctx: Ctx, perm: string, resource: string): void {
    if (ctx.user === undefined || this.isSuper(ctx.user)) {
      return;
    }
    const parts = resource.split('/');
    const chain = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    for (const role of this.rolesOf(ctx.user)) {
      for (const r of chain) {
        if (this.meta.perms[`${role}|${r}|${perm}`]?.granted) {
          return;
        }
      }
    }
    const what = resourceText(resource);
    throw new CqlError(
      ERR.UNAUTHORIZED,
      `User ${ctx.user} has no ${perm.toUpperCase()} permission on ${what} or any of its parents`,
    );
  }

  private requireSuper(ctx: Ctx, what: string): void {
    if (ctx.user !== undefined && !this.isSuper(ctx.user)) {
      throw new CqlError(
        ERR.UNAUTHORIZED,
        `Only superusers are allowed to perform ${what} queries`,
      );
    }
  }

  private async roles(s: Statement, ctx: Ctx): Promise<Result> {
    const roles = this.meta.roles;
    const live = (name: string) => roles[name] !== undefined && !roles[name]!.dropped;
    const apply = (name: string, o: RoleOptions, base = roles[name]) => {
      const pw = o.password ? this.value(o.password, T.text, ctx) : undefined;
      roles[name] = {
        memberOf: base?.memberOf ?? [],
        login: o.login ?? base?.login ?? false,
        superuser: o.superuser ?? base?.superuser ?? false,
        ts: nowMicros(),
        ...passwordOf(name, pw, base?.password),
      };
    };
    switch (s.type) {
      case 'createRole':
        this.requireSuper(ctx, 'CREATE ROLE');
        if (live(s.name)) {
          if (s.ifNotExists) {
            return { kind: 'void' };
          }
          throw invalid(`${s.name} already exists`);
        }
        apply(s.name, s.options, undefined);
        break;
      case 'alterRole':
        if (!live(s.name)) {
          throw invalid(`${s.name} doesn't exist`);
        }
        if (
          ctx.user !== s.name ||
          s.options.superuser !== undefined ||
          s.options.login !== undefined
        ) {
          this.requireSuper(ctx, 'ALTER ROLE');
        }
        if (ctx.user === s.name && s.options.superuser === false) {
          throw new CqlError(
            ERR.UNAUTHORIZED,
            "You aren't allowed to alter your own superuser status",
          );
        }
        apply(s.name, s.options);
        break;
      case 'dropRole':
        this.requireSuper(ctx, 'DROP ROLE');
        if (ctx.user === s.name) {
          throw invalid('Cannot DROP primary role for current login');
        }
        if (!live(s.name)) {
          if (s.ifExists) {
            return { kind: 'void' };
          }
          throw invalid(`${s.name} doesn't exist`);
        }
        roles[s.name] = { ...roles[s.name]!, dropped: true, ts: nowMicros() };
        break;
      case 'grant':
      case 'revoke': {
        this.requireSuper(ctx, s.type.toUpperCase());
        if (!live(s.role)) {
          throw invalid(`Role ${s.role} doesn't exist`);
        }
        const resource = s.resource.replace('data/?/', `data/${ctx.keyspace ?? '?'}/`);
        for (const perm of s.perms) {
          this.meta.perms[`${s.role}|${resource}|${perm}`] = {
            granted: s.type === 'grant',
            ts: nowMicros(),
          };
        }
        break;
      }
      case 'grantRole':
      case 'revokeRole': {
        this.requireSuper(ctx, 'GRANT ROLE');
        if (!live(s.role) || !live(s.grantee)) {
          throw invalid(`${live(s.role) ? s.grantee : s.role} doesn't exist`);
        }
        const r = roles[s.grantee]!;
        const memberOf = r.memberOf.filter((x) => x !== s.role);
        roles[s.grantee] = {
          ...r,
          memberOf: s.type === 'grantRole' ? [...memberOf, s.role] : memberOf,
          ts: nowMicros(),
        };
        break;
      }
      case 'listUsers':
        return {
          kind: 'rows',
          ks: 'system_auth',
          table: 'roles',
          columns: [
            { name: 'name', type: T.text },
            { name: 'super', type: T.boolean },
            { name: 'datacenters', type: T.text },
          ],
          rows: Object.entries(roles)
            .filter(([, r]) => !r.dropped && r.login)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([name, r]) => [name, r.superuser, 'ALL']),
        };
      case 'listRoles':
        return {
          kind: 'rows',
          ks: 'system_auth',
          table: 'roles',
          columns: [
            { name: 'role', type: T.text },
            { name: 'super', type: T.boolean },
            { name: 'login', type: T.boolean },
            { name: 'options', type: mapOf(T.text, T.text) },
            { name: 'datacenters', type: T.text },
          ],
          rows: Object.entries(roles)
            .filter(([, r]) => !r.dropped)
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([name, r]) => [name, r.superuser, r.login, [], 'ALL']),
        };
      case 'listPermissions':
        return {
          kind: 'rows',
          ks: 'system_auth',
          table: 'role_permissions',
          columns: ['role', 'username', 'resource', 'permission'].map((name) => ({
            name,
            type: T.text,
          })),
          rows: Object.entries(this.meta.perms)
            .filter(([k, v]) => v.granted && (s.of === undefined || k.startsWith(`${s.of}|`)))
            .map(([k]) => {
              const [role, resource, perm] = k.split('|');
              const res = resourceText(resource!);
              return [role!, role!, res, perm!.toUpperCase()];
            })
            .sort(),
        };
      default:
        throw invalid('unsupported statement');
    }
    await this.node.spreadMeta();
    return { kind: 'void' };
  }
}

import { compare, hostIdOf, tokenOf } from './ring.js';
const hostIdFor = hostIdOf;
const tokenFor = (a: string): string => tokenOf(a).toString();

const RANGE: Record<'<' | '>' | '<=' | '>=', (a: number | string, b: number | string) => boolean> =
  {
    '<': (a, b) => a < b,
    '>': (a, b) => a > b,
    '<=': (a, b) => a <= b,
    '>=': (a, b) => a >= b,
  };

function columnKind(d: { pk: string[]; ck: string[] }, name: string): string {
  if (d.pk.includes(name)) {
    return 'partition_key';
  }
  return d.ck.includes(name) ? 'clustering' : 'regular';
}

/** `data/ks/t` as Cassandra names it in messages: `<table ks.t>`, `<keyspace ks>`, `<all keyspaces>`. */
function resourceText(resource: string): string {
  const [, k, t] = resource.split('/');
  if (t) {
    return `<table ${k}.${t}>`;
  }
  return k ? `<keyspace ${k}>` : '<all keyspaces>';
}

function passwordOf(
  role: string,
  given: Value | undefined,
  old: string | undefined,
): { password?: string } {
  if (given) {
    return { password: passwordHash(role, String(given)) };
  }
  return old ? { password: old } : {};
}
