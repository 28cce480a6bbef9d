// LAB ONLY. Keyspace and table DDL (with Cassandra's replication checks and warnings), and the
// schema a statement's table reference resolves to, system tables included.
import { CqlError, invalid } from '../errors.js';
import type { SimNode } from '../node/index.js';
import type { Statement, TableRef } from '../parser/index.js';
import { ERR } from '../protocol.js';
import { replicationFactor } from '../ring.js';
import { parseType } from '../types.js';
import { authorize } from './auth.js';
import { type Ctx, nowMicros, type Result, type Schema } from './context.js';
import { virtualSchema } from './system.js';

function schemaChange(change: string, target: string, ks: string, name?: string): Result {
  return name === undefined
    ? { kind: 'schema', change, target, ks }
    : { kind: 'schema', change, target, ks, name };
}

export async function keyspaceDdl(
  node: SimNode,
  s: Extract<Statement, { type: 'createKeyspace' | 'alterKeyspace' | 'dropKeyspace' }>,
  ctx: Ctx,
): Promise<Result> {
  const existing = node.store.meta.keyspaces[s.ks];
  const exists = existing !== undefined && !existing.dropped;
  if (s.type === 'createKeyspace') {
    authorize(node, ctx, 'create', 'data');
    if (exists) {
      if (s.ifNotExists) {
        return { kind: 'void' };
      }
      throw new CqlError(ERR.ALREADY_EXISTS, `Keyspace ${s.ks} already exists`, (w) =>
        w.string(s.ks).string(''),
      );
    }
    checkReplication(s.replication);
    node.store.meta.keyspaces[s.ks] = { replication: s.replication, ts: nowMicros() };
    await node.spreadMeta();
    return schemaChange('CREATED', 'KEYSPACE', s.ks);
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
    authorize(node, ctx, 'drop', `data/${s.ks}`);
    if (s.ks.startsWith('system')) {
      throw new CqlError(ERR.UNAUTHORIZED, `Cannot DROP <keyspace ${s.ks}>`);
    }
    node.store.meta.keyspaces[s.ks] = { ...existing!, dropped: true, ts: nowMicros() };
    for (const [k, t] of Object.entries(node.store.meta.tables)) {
      if (k.startsWith(`${s.ks}.`)) {
        node.store.meta.tables[k] = { ...t, dropped: true, ts: nowMicros() };
      }
    }
    await node.spreadMeta();
    return schemaChange('DROPPED', 'KEYSPACE', s.ks);
  }
  authorize(node, ctx, 'alter', `data/${s.ks}`);
  checkReplication(s.replication);
  const n = node.members.length;
  const before = replicationFactor(existing!.replication, 1000);
  const after = replicationFactor(s.replication, 1000);
  node.store.meta.keyspaces[s.ks] = { replication: s.replication, ts: nowMicros() };
  await node.spreadMeta();
  const r = schemaChange('UPDATED', 'KEYSPACE', s.ks);
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

function checkReplication(r: Record<string, string>): void {
  const cls = r.class ?? '';
  if (!/(SimpleStrategy|NetworkTopologyStrategy)$/.test(cls)) {
    throw new CqlError(ERR.CONFIG, `Unable to find replication strategy class '${cls}'`);
  }
  if (/SimpleStrategy$/.test(cls) && r.replication_factor === undefined) {
    throw new CqlError(ERR.CONFIG, 'SimpleStrategy requires a replication_factor strategy option.');
  }
}

export async function tableDdl(
  node: SimNode,
  s: Extract<Statement, { type: 'createTable' | 'alterTable' | 'dropTable' }>,
  ctx: Ctx,
): Promise<Result> {
  const ks = s.ref.ks ?? ctx.keyspace;
  if (!ks) {
    throw invalid(
      'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename',
    );
  }
  node.checkKeyspace(ks);
  const key = `${ks}.${s.ref.table}`;
  const existing = node.store.meta.tables[key];
  const exists = existing !== undefined && !existing.dropped;
  if (s.type === 'createTable') {
    authorize(node, ctx, 'create', `data/${ks}`);
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
    node.store.meta.tables[key] = { columns: s.columns, pk: s.pk, ck: s.ck, ts: nowMicros() };
    delete node.store.state.data[key];
    await node.spreadMeta();
    return schemaChange('CREATED', 'TABLE', ks, s.ref.table);
  }
  if (!exists) {
    if (s.type === 'dropTable' && s.ifExists) {
      return { kind: 'void' };
    }
    throw invalid(`table ${s.ref.table} does not exist`);
  }
  if (s.type === 'dropTable') {
    authorize(node, ctx, 'drop', `data/${ks}/${s.ref.table}`);
    node.store.meta.tables[key] = { ...existing!, dropped: true, ts: nowMicros() };
  } else {
    authorize(node, ctx, 'alter', `data/${ks}/${s.ref.table}`);
    const columns = existing!.columns.filter((c) => !s.drop.includes(c.name)).concat(s.add);
    node.store.meta.tables[key] = { ...existing!, columns, ts: nowMicros() };
  }
  await node.spreadMeta();
  return schemaChange(s.type === 'dropTable' ? 'DROPPED' : 'UPDATED', 'TABLE', ks, s.ref.table);
}

export function schemaOf(node: SimNode, ref: TableRef, keyspace: string | undefined): Schema {
  const ks = ref.ks ?? keyspace;
  if (!ks) {
    throw invalid(
      'No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename',
    );
  }
  const v = virtualSchema(ks, ref.table);
  if (v) {
    return v;
  }
  node.checkKeyspace(ks);
  const def = node.store.meta.tables[`${ks}.${ref.table}`];
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
