// LAB ONLY. INSERT, UPDATE, DELETE and SELECT (after the word): USING TTL/TIMESTAMP, IF clauses,
// WHERE relations, selectors (columns, count, ttl, writetime) and LIMIT.
import type { Cond, Selector, Statement, Term } from './ast.js';
import type { Cursor } from './cursor.js';
import { conds, term } from './terms.js';

function using(c: Cursor): Term | undefined {
  let ttl: Term | undefined;
  if (c.opt('using')) {
    do {
      if (c.opt('ttl')) {
        ttl = term(c, '[ttl]');
      } else {
        c.word('timestamp');
        term(c, '[timestamp]');
      }
    } while (c.opt('and'));
  }
  return ttl;
}

export function insert(c: Cursor): Statement {
  c.word('into');
  const ref = c.ref();
  c.sym('(');
  const columns: string[] = [];
  while (!c.optSym(')')) {
    columns.push(c.ident());
    c.optSym(',');
  }
  c.word('values');
  c.sym('(');
  const values: Term[] = [];
  while (!c.optSym(')')) {
    values.push(term(c, columns[values.length] ?? '?'));
    c.optSym(',');
  }
  const ifNotExists = c.ifNotExists();
  const ttl = using(c);
  const s: Statement = { type: 'insert', ref, columns, values, ifNotExists };
  return ttl ? { ...s, ttl } : s;
}

function ifClause(c: Cursor): { ifExists: boolean; conditions: Cond[] } {
  if (c.ifExists()) {
    return { ifExists: true, conditions: [] };
  }
  if (c.opt('if')) {
    return { ifExists: false, conditions: conds(c) };
  }
  return { ifExists: false, conditions: [] };
}

export function update(c: Cursor): Statement {
  const ref = c.ref();
  const ttl = using(c);
  c.word('set');
  const sets: { col: string; term: Term }[] = [];
  do {
    const col = c.ident();
    c.sym('=');
    sets.push({ col, term: term(c, col) });
  } while (c.optSym(','));
  c.word('where');
  const where = conds(c);
  const s = { type: 'update' as const, ref, sets, where, ...ifClause(c) };
  return ttl ? { ...s, ttl } : s;
}

export function deleteStatement(c: Cursor): Statement {
  const columns: string[] = [];
  while (!c.isWord('from')) {
    columns.push(c.ident());
    c.optSym(',');
  }
  c.word('from');
  const ref = c.ref();
  c.word('where');
  const where = conds(c);
  return { type: 'delete', ref, columns, where, ...ifClause(c) };
}

export function select(c: Cursor): Statement {
  c.opt('json');
  let selectors: Selector[] | '*' = [];
  if (c.optSym('*')) {
    selectors = '*';
  } else {
    do {
      if (c.isWord('count') && c.peek(1).t === 'sym') {
        c.i++;
        c.sym('(');
        c.optSym('*') || c.ident();
        c.sym(')');
        selectors.push({ kind: 'count' });
      } else if ((c.isWord('ttl') || c.isWord('writetime')) && c.peek(1).t === 'sym') {
        const kind = c.ident() as 'ttl' | 'writetime';
        c.sym('(');
        const col = c.ident();
        c.sym(')');
        selectors.push({ kind, col });
      } else {
        selectors.push({ kind: 'col', col: c.ident() });
      }
      if (c.opt('as')) {
        c.ident();
      }
    } while (c.optSym(','));
  }
  c.word('from');
  const ref = c.ref();
  let where: Cond[] = [];
  let limit: Term | undefined;
  if (c.opt('where')) {
    where = conds(c);
  }
  if (c.opt('limit')) {
    limit = term(c, '[limit]');
  }
  c.opt('allow');
  c.opt('filtering');
  const s: Statement = { type: 'select', ref, selectors, where };
  return limit ? { ...s, limit } : s;
}
