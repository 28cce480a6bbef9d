// LAB ONLY. CREATE, ALTER and DROP (after the word): keyspaces with their replication, tables
// with their columns and primary key (options skipped), and roles and users.
import type { Statement } from './ast.js';
import type { Cursor } from './cursor.js';
import { roleOptions } from './roles.js';
import { stringMap, typeText } from './terms.js';

export function create(c: Cursor): Statement {
  if (c.opt('keyspace')) {
    const ifNotExists = c.ifNotExists();
    const ks = c.ident();
    c.word('with');
    c.word('replication');
    c.sym('=');
    const replication = stringMap(c);
    c.skipRest();
    return { type: 'createKeyspace', ks, ifNotExists, replication };
  }
  if (c.opt('table') || c.opt('columnfamily')) {
    const ifNotExists = c.ifNotExists();
    const ref = c.ref();
    c.sym('(');
    const columns: { name: string; type: string }[] = [];
    let pk: string[] = [];
    const ck: string[] = [];
    while (!c.optSym(')')) {
      if (c.opt('primary')) {
        c.word('key');
        c.sym('(');
        if (c.optSym('(')) {
          while (!c.optSym(')')) {
            pk.push(c.ident());
            c.optSym(',');
          }
        } else {
          pk = [c.ident()];
        }
        while (c.optSym(',')) {
          ck.push(c.ident());
        }
        c.sym(')');
      } else {
        const name = c.ident();
        const type = typeText(c);
        columns.push({ name, type });
        if (c.opt('primary')) {
          c.word('key');
          pk = [name];
        }
        c.opt('static');
      }
      c.optSym(',');
    }
    if (pk.length === 0) {
      c.fail('No PRIMARY KEY specifed');
    }
    c.skipRest();
    return { type: 'createTable', ref, ifNotExists, columns, pk, ck };
  }
  if (c.opt('role') || c.isWord('user')) {
    const legacy = c.opt('user');
    const ifNotExists = c.ifNotExists();
    const name = c.ident();
    return { type: 'createRole', name, ifNotExists, options: roleOptions(c, legacy) };
  }
  return c.fail('unsupported CREATE');
}

export function alter(c: Cursor): Statement {
  if (c.opt('keyspace')) {
    const ks = c.ident();
    c.word('with');
    c.word('replication');
    c.sym('=');
    const replication = stringMap(c);
    c.skipRest();
    return { type: 'alterKeyspace', ks, replication };
  }
  if (c.opt('table')) {
    const ref = c.ref();
    const add: { name: string; type: string }[] = [];
    const drop: string[] = [];
    if (c.opt('add')) {
      const paren = c.optSym('(');
      do {
        add.push({ name: c.ident(), type: typeText(c) });
      } while (c.optSym(','));
      if (paren) {
        c.sym(')');
      }
    } else if (c.opt('drop')) {
      drop.push(c.ident());
    } else {
      c.skipRest();
    }
    return { type: 'alterTable', ref, add, drop };
  }
  if (c.opt('role') || c.isWord('user')) {
    const legacy = c.opt('user');
    const name = c.ident();
    return { type: 'alterRole', name, options: roleOptions(c, legacy) };
  }
  return c.fail('unsupported ALTER');
}

export function drop(c: Cursor): Statement {
  if (c.opt('keyspace')) {
    const ifExists = c.ifExists();
    return { type: 'dropKeyspace', ifExists, ks: c.ident() };
  }
  if (c.opt('table')) {
    const ifExists = c.ifExists();
    return { type: 'dropTable', ifExists, ref: c.ref() };
  }
  if (c.opt('role') || c.opt('user')) {
    const ifExists = c.ifExists();
    return { type: 'dropRole', ifExists, name: c.ident() };
  }
  return c.fail('unsupported DROP');
}
