// LAB ONLY. CQL text → tokens: identifiers (unquoted ones folded to lower case, "quoted" kept),
// 'strings' ('' escapes), numbers, uuids, 0x blobs, ? and :name markers, punctuation.

export type Token =
  | { t: 'id'; v: string; quoted: boolean }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'uuid'; v: string }
  | { t: 'blob'; v: string }
  | { t: 'marker'; name?: string }
  | { t: 'sym'; v: string }
  | { t: 'end' };

export class CqlSyntaxError extends Error {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

export function lex(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const rest = text.slice(i);
    if (/\s/.test(c)) {
      i++;
    } else if (rest.startsWith('--') || rest.startsWith('//')) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new CqlSyntaxError('unterminated string');
        }
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i++];
      }
      out.push({ t: 'str', v });
    } else if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) {
        throw new CqlSyntaxError('unterminated quoted identifier');
      }
      out.push({ t: 'id', v: text.slice(i + 1, end), quoted: true });
      i = end + 1;
    } else if (UUID.test(rest)) {
      const m = UUID.exec(rest)![0];
      out.push({ t: 'uuid', v: m.toLowerCase() });
      i += m.length;
    } else if (/^0x[0-9a-f]*/i.test(rest)) {
      const m = /^0x([0-9a-f]*)/i.exec(rest)!;
      out.push({ t: 'blob', v: m[1]!.toLowerCase() });
      i += m[0].length;
    } else if (/^-?\d/.test(rest) && !(c === '-' && /[\w)]/.test(prevChar(out)))) {
      const m = /^-?\d+(\.\d+)?(e[+-]?\d+)?/i.exec(rest)!;
      out.push({ t: 'num', v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)![0];
      out.push({ t: 'id', v: m.toLowerCase(), quoted: false });
      i += m.length;
    } else if (c === '?') {
      out.push({ t: 'marker' });
      i++;
    } else if (c === ':' && /^:[A-Za-z_]/.test(rest)) {
      const m = /^:([A-Za-z_][A-Za-z0-9_]*)/.exec(rest)!;
      out.push({ t: 'marker', name: m[1]!.toLowerCase() });
      i += m[0].length;
    } else if (/^(<=|>=|!=)/.test(rest)) {
      out.push({ t: 'sym', v: rest.slice(0, 2) });
      i += 2;
    } else if ('(),;.*=<>{}[]:+-'.includes(c)) {
      out.push({ t: 'sym', v: c });
      i++;
    } else {
      throw new CqlSyntaxError(`line 1:${i} unexpected character '${c}'`);
    }
  }
  out.push({ t: 'end' });
  return out;
}

function prevChar(out: Token[]): string {
  const p = out[out.length - 1];
  if (!p) {
    return '';
  }
  if (p.t === 'id' || p.t === 'num') {
    return 'a';
  }
  return p.t === 'sym' && p.v === ')' ? ')' : '';
}
