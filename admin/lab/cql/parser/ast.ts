// LAB ONLY. What the parser makes: terms (literals and bind markers), relations, table
// references, selectors, role options, every Statement the simulator runs, and Parsed.
import type { Value } from '../types.js';

export type Term = { lit: Value } | { marker: number };
export interface Cond {
  col: string;
  op: '=' | 'IN' | '<' | '>' | '<=' | '>=';
  terms: Term[];
}
export interface TableRef {
  ks?: string;
  table: string;
}
export type Selector =
  | { kind: 'col'; col: string }
  | { kind: 'count' }
  | { kind: 'ttl' | 'writetime'; col: string };
export interface RoleOptions {
  password?: Term;
  login?: boolean;
  superuser?: boolean;
}

export type Statement =
  | { type: 'use'; ks: string }
  | {
      type: 'createKeyspace';
      ks: string;
      ifNotExists: boolean;
      replication: Record<string, string>;
    }
  | { type: 'alterKeyspace'; ks: string; replication: Record<string, string> }
  | { type: 'dropKeyspace'; ks: string; ifExists: boolean }
  | {
      type: 'createTable';
      ref: TableRef;
      ifNotExists: boolean;
      columns: { name: string; type: string }[];
      pk: string[];
      ck: string[];
    }
  | { type: 'alterTable'; ref: TableRef; add: { name: string; type: string }[]; drop: string[] }
  | { type: 'dropTable'; ref: TableRef; ifExists: boolean }
  | { type: 'truncate'; ref: TableRef }
  | {
      type: 'insert';
      ref: TableRef;
      columns: string[];
      values: Term[];
      ifNotExists: boolean;
      ttl?: Term;
    }
  | {
      type: 'update';
      ref: TableRef;
      sets: { col: string; term: Term }[];
      where: Cond[];
      ifExists: boolean;
      conditions: Cond[];
      ttl?: Term;
    }
  | {
      type: 'delete';
      ref: TableRef;
      columns: string[];
      where: Cond[];
      ifExists: boolean;
      conditions: Cond[];
    }
  | {
      type: 'select';
      ref: TableRef;
      selectors: Selector[] | '*';
      where: Cond[];
      limit?: Term;
    }
  | { type: 'batch'; statements: Statement[] }
  | { type: 'createRole'; name: string; ifNotExists: boolean; options: RoleOptions }
  | { type: 'alterRole'; name: string; options: RoleOptions }
  | { type: 'dropRole'; name: string; ifExists: boolean }
  | { type: 'grant' | 'revoke'; perms: string[]; resource: string; role: string }
  | { type: 'grantRole' | 'revokeRole'; role: string; grantee: string }
  | { type: 'listUsers' }
  | { type: 'listRoles' }
  | { type: 'listPermissions'; of?: string };

export interface Parsed {
  statement: Statement;
  /** What each bind marker binds to: a column name, `[ttl]` or `[limit]`. */
  markers: string[];
  /** Marker names (`:name`), when named. */
  markerNames: (string | undefined)[];
}
