// LAB ONLY. The token cursor every part of the parser reads through: peeking, expecting words
// and symbols, identifiers, table references, IF [NOT] EXISTS, and the bind markers seen so far.
import { CqlSyntaxError, type Token } from '../lexer.js';
import type { TableRef } from './ast.js';

export class Cursor {
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
  /** Skip `WITH …` table/keyspace options up to the end. */
  skipRest(): void {
    while (this.peek().t !== 'end' && !this.isSym(';')) {
      this.i++;
    }
  }
}
