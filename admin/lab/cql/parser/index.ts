// LAB ONLY. The CQL statements the simulator runs, parsed from tokens into plain data. Bind
// markers are numbered in order; each remembers what it binds to (a column, or [ttl]/[limit]),
// so PREPARE can type them from the table's schema. parse() reads one statement through the
// token cursor (cursor.ts) and sends it to its part: ddl.ts (CREATE/ALTER/DROP), dml.ts
// (INSERT/UPDATE/DELETE/SELECT), roles.ts (GRANT/REVOKE/LIST), with terms.ts for values and
// relations; ast.ts holds the statements it makes.
import { lex } from '../lexer.js';
import type { Parsed, Statement } from './ast.js';
import { Cursor } from './cursor.js';
import { alter, create, drop } from './ddl.js';
import { deleteStatement, insert, select, update } from './dml.js';
import { grantOrRevoke, list } from './roles.js';

export type { Cond, Parsed, RoleOptions, Selector, Statement, TableRef, Term } from './ast.js';

function parseStatement(c: Cursor): Statement {
  if (c.opt('use')) {
    return { type: 'use', ks: c.ident() };
  }
  if (c.opt('begin')) {
    c.opt('unlogged');
    c.opt('logged');
    c.word('batch');
    const statements: Statement[] = [];
    while (!c.isWord('apply')) {
      statements.push(parseStatement(c));
      c.optSym(';');
    }
    c.word('apply');
    c.word('batch');
    return { type: 'batch', statements };
  }
  if (c.opt('create')) {
    return create(c);
  }
  if (c.opt('alter')) {
    return alter(c);
  }
  if (c.opt('drop')) {
    return drop(c);
  }
  if (c.opt('truncate')) {
    c.opt('table');
    return { type: 'truncate', ref: c.ref() };
  }
  if (c.opt('insert')) {
    return insert(c);
  }
  if (c.opt('update')) {
    return update(c);
  }
  if (c.opt('delete')) {
    return deleteStatement(c);
  }
  if (c.opt('select')) {
    return select(c);
  }
  if (c.isWord('grant') || c.isWord('revoke')) {
    return grantOrRevoke(c);
  }
  if (c.opt('list')) {
    return list(c);
  }
  return c.fail('unknown statement');
}

export function parse(text: string): Parsed {
  const p = new Cursor(lex(text));
  const statement = parseStatement(p);
  p.optSym(';');
  if (p.peek().t !== 'end') {
    p.fail('unexpected input');
  }
  return { statement, markers: p.markers, markerNames: p.markerNames };
}
