// LAB ONLY. The CQL statements the simulator runs, parsed from tokens into plain data. Bind
// markers are numbered in order; each remembers what it binds to (a column, or [ttl]/[limit]),
// so PREPARE can type them from the table's schema.
import { CqlSyntaxError, lex, type Token } from './lexer.js';
import type { Value } from './types.js';

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

const PERMS = ['create', 'alter', 'drop', 'select', 'modify', 'authorize', 'describe', 'execute'];

class P {
  i = 0;
  markers: string[] = [];
  markerNames: (string | undefined)[] = [];
  constructor(private readonly toks: Token[]) {}

  peek(k = 0): Token {
    return this.toks[this.i + k] ?? { t: 'end' };
  }
  isWord(w: string, k = 0): boolean {
    const t = this.peek(k);
    return t.t === 'id' && !t.quoted && t.v === w;
  }
  isSym(s: string): boolean {
    const t = this.peek();
    return t.t === 'sym' && t.v === s;
  }
  fail(what: string): never {
    const t = this.peek();
    let near: string = t.t;
    if (t.t === 'end') {
      near = 'EOF';
    } else if ('v' in t) {
      near = String(t.v);
    }
    throw new CqlSyntaxError(`line 1:${this.i} ${what} (near '${near}')`);
  }
  word(w: string): void {
    if (!this.isWord(w)) {
      this.fail(`expected ${w.toUpperCase()}`);
    }
    this.i++;
  }
  opt(w: string): boolean {
    if (this.isWord(w)) {
      this.i++;
      return true;
    }
    return false;
  }
  sym(s: string): void {
    if (!this.isSym(s)) {
      this.fail(`expected '${s}'`);
    }
    this.i++;
  }
  optSym(s: string): boolean {
    if (this.isSym(s)) {
      this.i++;
      return true;
    }
    return false;
  }
  ident(): string {
    const t = this.peek();
    if (t.t === 'id') {
      this.i++;
      return t.v;
    }
    if (t.t === 'str') {
      this.i++;
      return t.v;
    }
    return this.fail('expected an identifier');
  }
  ref(): TableRef {
    const a = this.ident();
    if (this.optSym('.')) {
      return { ks: a, table: this.ident() };
    }
    return { table: a };
  }
  ifNotExists(): boolean {
    if (this.isWord('if') && this.isWord('not', 1)) {
      this.i += 3;
      return true;
    }
    return false;
  }
  ifExists(): boolean {
    if (this.isWord('if') && this.isWord('exists', 1)) {
      this.i += 2;
      return true;
    }
    return false;
  }
  literal(): Value {
    const t = this.peek();
    if (t.t === 'str' || t.t === 'num' || t.t === 'uuid' || t.t === 'blob') {
      this.i++;
      return t.v;
    }
    if (t.t === 'sym' && t.v === '-' && this.peek(1).t === 'num') {
      this.i += 2;
      return -(this.peek(-1) as { v: number }).v;
    }
    if (t.t === 'id' && !t.quoted && ['true', 'false', 'null'].includes(t.v)) {
      this.i++;
      return t.v === 'null' ? null : t.v === 'true';
    }
    if (this.optSym('{')) {
      const items: Value[] = [];
      let isMap = false;
      while (!this.optSym('}')) {
        const k = this.literal();
        if (this.optSym(':')) {
          isMap = true;
          items.push([k, this.literal()]);
        } else {
          items.push(k);
        }
        this.optSym(',');
      }
      return isMap ? items : items;
    }
    if (this.optSym('[')) {
      const items: Value[] = [];
      while (!this.optSym(']')) {
        items.push(this.literal());
        this.optSym(',');
      }
      return items;
    }
    return this.fail('expected a value');
  }
  term(bindsTo: string): Term {
    const t = this.peek();
    if (t.t === 'marker') {
      this.i++;
      this.markers.push(bindsTo);
      this.markerNames.push(t.name);
      return { marker: this.markers.length - 1 };
    }
    return { lit: this.literal() };
  }
  /** `{ 'k': 'v', … }` as strings. */
  stringMap(): Record<string, string> {
    this.sym('{');
    const m: Record<string, string> = {};
    while (!this.optSym('}')) {
      const k = String(this.literal());
      this.sym(':');
      m[k] = String(this.literal());
      this.optSym(',');
    }
    return m;
  }
  conds(): Cond[] {
    const out: Cond[] = [];
    do {
      const col = this.ident();
      const t = this.peek();
      if (this.opt('in')) {
        this.sym('(');
        const terms: Term[] = [];
        while (!this.optSym(')')) {
          terms.push(this.term(col));
          this.optSym(',');
        }
        out.push({ col, op: 'IN', terms });
      } else if (t.t === 'sym' && ['=', '<', '>', '<=', '>='].includes(t.v)) {
        this.i++;
        out.push({ col, op: t.v as Cond['op'], terms: [this.term(col)] });
      } else {
        this.fail('expected a relation');
      }
    } while (this.opt('and'));
    return out;
  }
  type(): string {
    let s = this.ident();
    if (this.optSym('<')) {
      let depth = 1;
      s += '<';
      while (depth > 0) {
        const t = this.peek();
        this.i++;
        if (t.t === 'end') {
          this.fail('unterminated type');
        }
        if (t.t === 'sym' && t.v === '<') {
          depth++;
        }
        if (t.t === 'sym' && t.v === '>') {
          depth--;
        }
        s += 'v' in t ? String(t.v) : '';
      }
    }
    return s;
  }
  /** Skip `WITH …` table/keyspace options up to the end. */
  skipRest(): void {
    while (this.peek().t !== 'end' && !this.isSym(';')) {
      this.i++;
    }
  }
  roleOptions(legacyUser: boolean): RoleOptions {
    const o: RoleOptions = {};
    if (legacyUser) {
      o.login = true;
      if (this.opt('with')) {
        this.word('password');
        o.password = this.term('[password]');
      }
      if (this.opt('superuser')) {
        o.superuser = true;
      } else if (this.opt('nosuperuser')) {
        o.superuser = false;
      }
      return o;
    }
    if (!this.opt('with')) {
      return o;
    }
    do {
      const k = this.ident();
      this.sym('=');
      if (k === 'password') {
        o.password = this.term('[password]');
      } else if (k === 'login' || k === 'superuser') {
        o[k] = this.literal() === true;
      } else {
        this.literal();
      }
    } while (this.opt('and'));
    return o;
  }
  perms(): string[] {
    if (this.opt('all')) {
      this.opt('permissions');
      return [...PERMS];
    }
    const out: string[] = [];
    do {
      const p = this.ident();
      if (!PERMS.includes(p)) {
        this.fail(`unknown permission ${p}`);
      }
      out.push(p);
      this.opt('permission');
    } while (this.optSym(','));
    return out;
  }
  resource(): string {
    if (this.opt('all')) {
      if (this.opt('keyspaces')) {
        return 'data';
      }
      if (this.opt('roles')) {
        return 'roles';
      }
      this.fail('unsupported resource');
    }
    if (this.opt('keyspace')) {
      return `data/${this.ident()}`;
    }
    if (this.opt('role')) {
      return `roles/${this.ident()}`;
    }
    this.opt('table');
    const r = this.ref();
    return r.ks ? `data/${r.ks}/${r.table}` : `data/?/${r.table}`;
  }

  statement(): Statement {
    if (this.opt('use')) {
      return { type: 'use', ks: this.ident() };
    }
    if (this.opt('begin')) {
      this.opt('unlogged');
      this.opt('logged');
      this.word('batch');
      const statements: Statement[] = [];
      while (!this.isWord('apply')) {
        statements.push(this.statement());
        this.optSym(';');
      }
      this.word('apply');
      this.word('batch');
      return { type: 'batch', statements };
    }
    if (this.opt('create')) {
      return this.create();
    }
    if (this.opt('alter')) {
      return this.alter();
    }
    if (this.opt('drop')) {
      return this.drop();
    }
    if (this.opt('truncate')) {
      this.opt('table');
      return { type: 'truncate', ref: this.ref() };
    }
    if (this.opt('insert')) {
      return this.insert();
    }
    if (this.opt('update')) {
      return this.update();
    }
    if (this.opt('delete')) {
      return this.delete();
    }
    if (this.opt('select')) {
      return this.select();
    }
    if (this.isWord('grant') || this.isWord('revoke')) {
      const grant = this.isWord('grant');
      this.i++;
      if (this.isWord('to', 1) || this.isWord('from', 1)) {
        const role = this.ident();
        this.i++;
        return { type: grant ? 'grantRole' : 'revokeRole', role, grantee: this.ident() };
      }
      const perms = this.perms();
      this.word('on');
      const resource = this.resource();
      this.word(grant ? 'to' : 'from');
      return { type: grant ? 'grant' : 'revoke', perms, resource, role: this.ident() };
    }
    if (this.opt('list')) {
      if (this.opt('users')) {
        return { type: 'listUsers' };
      }
      if (this.opt('roles')) {
        this.skipRest();
        return { type: 'listRoles' };
      }
      this.perms();
      let of: string | undefined;
      while (this.peek().t !== 'end' && !this.isSym(';')) {
        if (this.opt('of')) {
          of = this.ident();
        } else {
          this.i++;
        }
      }
      return of === undefined ? { type: 'listPermissions' } : { type: 'listPermissions', of };
    }
    return this.fail('unknown statement');
  }
  create(): Statement {
    if (this.opt('keyspace')) {
      const ifNotExists = this.ifNotExists();
      const ks = this.ident();
      this.word('with');
      this.word('replication');
      this.sym('=');
      const replication = this.stringMap();
      this.skipRest();
      return { type: 'createKeyspace', ks, ifNotExists, replication };
    }
    if (this.opt('table') || this.opt('columnfamily')) {
      const ifNotExists = this.ifNotExists();
      const ref = this.ref();
      this.sym('(');
      const columns: { name: string; type: string }[] = [];
      let pk: string[] = [];
      const ck: string[] = [];
      while (!this.optSym(')')) {
        if (this.opt('primary')) {
          this.word('key');
          this.sym('(');
          if (this.optSym('(')) {
            while (!this.optSym(')')) {
              pk.push(this.ident());
              this.optSym(',');
            }
          } else {
            pk = [this.ident()];
          }
          while (this.optSym(',')) {
            ck.push(this.ident());
          }
          this.sym(')');
        } else {
          const name = this.ident();
          const type = this.type();
          columns.push({ name, type });
          if (this.opt('primary')) {
            this.word('key');
            pk = [name];
          }
          this.opt('static');
        }
        this.optSym(',');
      }
      if (pk.length === 0) {
        this.fail('No PRIMARY KEY specifed');
      }
      this.skipRest();
      return { type: 'createTable', ref, ifNotExists, columns, pk, ck };
    }
    if (this.opt('role') || this.isWord('user')) {
      const legacy = this.opt('user');
      const ifNotExists = this.ifNotExists();
      const name = this.ident();
      return { type: 'createRole', name, ifNotExists, options: this.roleOptions(legacy) };
    }
    return this.fail('unsupported CREATE');
  }
  alter(): Statement {
    if (this.opt('keyspace')) {
      const ks = this.ident();
      this.word('with');
      this.word('replication');
      this.sym('=');
      const replication = this.stringMap();
      this.skipRest();
      return { type: 'alterKeyspace', ks, replication };
    }
    if (this.opt('table')) {
      const ref = this.ref();
      const add: { name: string; type: string }[] = [];
      const drop: string[] = [];
      if (this.opt('add')) {
        const paren = this.optSym('(');
        do {
          add.push({ name: this.ident(), type: this.type() });
        } while (this.optSym(','));
        if (paren) {
          this.sym(')');
        }
      } else if (this.opt('drop')) {
        drop.push(this.ident());
      } else {
        this.skipRest();
      }
      return { type: 'alterTable', ref, add, drop };
    }
    if (this.opt('role') || this.isWord('user')) {
      const legacy = this.opt('user');
      const name = this.ident();
      return { type: 'alterRole', name, options: this.roleOptions(legacy) };
    }
    return this.fail('unsupported ALTER');
  }
  drop(): Statement {
    if (this.opt('keyspace')) {
      const ifExists = this.ifExists();
      return { type: 'dropKeyspace', ifExists, ks: this.ident() };
    }
    if (this.opt('table')) {
      const ifExists = this.ifExists();
      return { type: 'dropTable', ifExists, ref: this.ref() };
    }
    if (this.opt('role') || this.opt('user')) {
      const ifExists = this.ifExists();
      return { type: 'dropRole', ifExists, name: this.ident() };
    }
    return this.fail('unsupported DROP');
  }
  using(): Term | undefined {
    let ttl: Term | undefined;
    if (this.opt('using')) {
      do {
        if (this.opt('ttl')) {
          ttl = this.term('[ttl]');
        } else {
          this.word('timestamp');
          this.term('[timestamp]');
        }
      } while (this.opt('and'));
    }
    return ttl;
  }
  insert(): Statement {
    this.word('into');
    const ref = this.ref();
    this.sym('(');
    const columns: string[] = [];
    while (!this.optSym(')')) {
      columns.push(this.ident());
      this.optSym(',');
    }
    this.word('values');
    this.sym('(');
    const values: Term[] = [];
    while (!this.optSym(')')) {
      values.push(this.term(columns[values.length] ?? '?'));
      this.optSym(',');
    }
    const ifNotExists = this.ifNotExists();
    const ttl = this.using();
    const s: Statement = { type: 'insert', ref, columns, values, ifNotExists };
    return ttl ? { ...s, ttl } : s;
  }
  ifClause(): { ifExists: boolean; conditions: Cond[] } {
    if (this.ifExists()) {
      return { ifExists: true, conditions: [] };
    }
    if (this.opt('if')) {
      return { ifExists: false, conditions: this.conds() };
    }
    return { ifExists: false, conditions: [] };
  }
  update(): Statement {
    const ref = this.ref();
    const ttl = this.using();
    this.word('set');
    const sets: { col: string; term: Term }[] = [];
    do {
      const col = this.ident();
      this.sym('=');
      sets.push({ col, term: this.term(col) });
    } while (this.optSym(','));
    this.word('where');
    const where = this.conds();
    const s = { type: 'update' as const, ref, sets, where, ...this.ifClause() };
    return ttl ? { ...s, ttl } : s;
  }
  delete(): Statement {
    const columns: string[] = [];
    while (!this.isWord('from')) {
      columns.push(this.ident());
      this.optSym(',');
    }
    this.word('from');
    const ref = this.ref();
    this.word('where');
    const where = this.conds();
    return { type: 'delete', ref, columns, where, ...this.ifClause() };
  }
  select(): Statement {
    this.opt('json');
    let selectors: Selector[] | '*' = [];
    if (this.optSym('*')) {
      selectors = '*';
    } else {
      do {
        if (this.isWord('count') && this.peek(1).t === 'sym') {
          this.i++;
          this.sym('(');
          this.optSym('*') || this.ident();
          this.sym(')');
          selectors.push({ kind: 'count' });
        } else if ((this.isWord('ttl') || this.isWord('writetime')) && this.peek(1).t === 'sym') {
          const kind = this.ident() as 'ttl' | 'writetime';
          this.sym('(');
          const col = this.ident();
          this.sym(')');
          selectors.push({ kind, col });
        } else {
          selectors.push({ kind: 'col', col: this.ident() });
        }
        if (this.opt('as')) {
          this.ident();
        }
      } while (this.optSym(','));
    }
    this.word('from');
    const ref = this.ref();
    let where: Cond[] = [];
    let limit: Term | undefined;
    if (this.opt('where')) {
      where = this.conds();
    }
    if (this.opt('limit')) {
      limit = this.term('[limit]');
    }
    this.opt('allow');
    this.opt('filtering');
    const s: Statement = { type: 'select', ref, selectors, where };
    return limit ? { ...s, limit } : s;
  }
}

export function parse(text: string): Parsed {
  const p = new P(lex(text));
  const statement = p.statement();
  p.optSym(';');
  if (p.peek().t !== 'end') {
    p.fail('unexpected input');
  }
  return { statement, markers: p.markers, markerNames: p.markerNames };
}
