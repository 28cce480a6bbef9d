// LAB ONLY. Values and relations: literals (collections included), terms (a literal or a bind
// marker, numbered as seen), string maps, WHERE/IF relations, and a column's type as text.
import type { Value } from '../types.js';
import type { Cond, Term } from './ast.js';
import type { Cursor } from './cursor.js';

export function literal(c: Cursor): Value {
  const t = c.peek();
  if (t.t === 'str' || t.t === 'num' || t.t === 'uuid' || t.t === 'blob') {
    c.i++;
    return t.v;
  }
  if (t.t === 'sym' && t.v === '-' && c.peek(1).t === 'num') {
    c.i += 2;
    return -(c.peek(-1) as { v: number }).v;
  }
  if (t.t === 'id' && !t.quoted && ['true', 'false', 'null'].includes(t.v)) {
    c.i++;
    return t.v === 'null' ? null : t.v === 'true';
  }
  if (c.optSym('{')) {
    const items: Value[] = [];
    let isMap = false;
    while (!c.optSym('}')) {
      const k = literal(c);
      if (c.optSym(':')) {
        isMap = true;
        items.push([k, literal(c)]);
      } else {
        items.push(k);
      }
      c.optSym(',');
    }
    return isMap ? items : items;
  }
  if (c.optSym('[')) {
    const items: Value[] = [];
    while (!c.optSym(']')) {
      items.push(literal(c));
      c.optSym(',');
    }
    return items;
  }
  return c.fail('expected a value');
}

export function term(c: Cursor, bindsTo: string): Term {
  const t = c.peek();
  if (t.t === 'marker') {
    c.i++;
    c.markers.push(bindsTo);
    c.markerNames.push(t.name);
    return { marker: c.markers.length - 1 };
  }
  return { lit: literal(c) };
}

/** `{ 'k': 'v', … }` as strings. */
export function stringMap(c: Cursor): Record<string, string> {
  c.sym('{');
  const m: Record<string, string> = {};
  while (!c.optSym('}')) {
    const k = String(literal(c));
    c.sym(':');
    m[k] = String(literal(c));
    c.optSym(',');
  }
  return m;
}

export function conds(c: Cursor): Cond[] {
  const out: Cond[] = [];
  do {
    const col = c.ident();
    const t = c.peek();
    if (c.opt('in')) {
      c.sym('(');
      const terms: Term[] = [];
      while (!c.optSym(')')) {
        terms.push(term(c, col));
        c.optSym(',');
      }
      out.push({ col, op: 'IN', terms });
    } else if (t.t === 'sym' && ['=', '<', '>', '<=', '>='].includes(t.v)) {
      c.i++;
      out.push({ col, op: t.v as Cond['op'], terms: [term(c, col)] });
    } else {
      c.fail('expected a relation');
    }
  } while (c.opt('and'));
  return out;
}

export function typeText(c: Cursor): string {
  let s = c.ident();
  if (c.optSym('<')) {
    let depth = 1;
    s += '<';
    while (depth > 0) {
      const t = c.peek();
      c.i++;
      if (t.t === 'end') {
        c.fail('unterminated type');
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
