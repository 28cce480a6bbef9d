// tinc 1.0's configuration syntax, shared by tinc.conf and hosts/NAME: `Variable = value` lines
// (the `=` is optional, names are case-insensitive), `#` comments, and PEM blocks such as the
// host's RSA public key. Parsing is strict where tincd is lenient: a line tincd would skip or
// misread is an error here, with its line number, so a damaged file is caught before it is pushed.
import { TincParseError } from '../errors.js';

export interface Entry {
  key: string; // as written
  value: string;
  line: number; // 1-based; 0 for entries built in code
}

export interface PemBlock {
  label: string; // RSA PUBLIC KEY
  body: string; // base64, no line breaks
  line: number;
}

export interface ConfigText {
  entries: Entry[];
  pem: PemBlock[];
}

const VARIABLE = /^[A-Za-z][A-Za-z0-9]*$/;
const BEGIN = /^-----BEGIN ([A-Z0-9 ]+)-----$/;
const END = /^-----END ([A-Z0-9 ]+)-----$/;
const BASE64_LINE = /^[A-Za-z0-9+/]+=*$/;

export function parseConfigText(text: string): ConfigText {
  const lines = text.split('\n');
  const out: ConfigText = { entries: [], pem: [] };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    if (line.startsWith('-----')) {
      i = readPem(lines, i, out.pem);
      continue;
    }
    out.entries.push(parseEntry(line, i + 1));
  }
  return out;
}

/** `Variable = value`, `Variable value` or `Variable=value`, as tincd's conf.c reads them. */
function parseEntry(line: string, n: number): Entry {
  const m = /^([^\s=]+)\s*(=?)\s*(.*)$/.exec(line)!;
  const [, key = '', , value = ''] = m;
  if (!VARIABLE.test(key)) {
    throw new TincParseError(n, `not a "Variable = value" line: ${JSON.stringify(clip(line))}`);
  }
  if (value === '') {
    throw new TincParseError(n, `${key} has no value`);
  }
  return { key, value, line: n };
}

/** Read the block starting at `start`; returns the index of its END line. */
function readPem(lines: string[], start: number, into: PemBlock[]): number {
  const head = lines[start]!.trim();
  const begin = BEGIN.exec(head);
  if (!begin) {
    throw new TincParseError(start + 1, `not a PEM line: ${JSON.stringify(clip(head))}`);
  }
  const body: string[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    const end = END.exec(line);
    if (end) {
      if (end[1] !== begin[1]) {
        throw new TincParseError(
          i + 1,
          `-----END ${end[1]}----- closes -----BEGIN ${begin[1]}-----`,
        );
      }
      if (body.length === 0) {
        throw new TincParseError(start + 1, `the ${begin[1]} block is empty`);
      }
      into.push({ label: begin[1]!, body: body.join(''), line: start + 1 });
      return i;
    }
    if (line === '') {
      continue; // tolerated inside a block, as PEM readers do
    }
    if (!BASE64_LINE.test(line)) {
      throw new TincParseError(i + 1, `not base64 inside the ${begin[1]} block`);
    }
    body.push(line);
  }
  throw new TincParseError(
    start + 1,
    `-----BEGIN ${begin[1]}----- has no -----END line (file truncated?)`,
  );
}

/** Entries whose name matches `key` (case-insensitive, as tincd compares them). */
export function valuesOf(entries: readonly Entry[], key: string): Entry[] {
  const k = key.toLowerCase();
  return entries.filter((e) => e.key.toLowerCase() === k);
}

/** At most one entry for `key`; a second one is an error (tincd would silently use the first). */
export function single(entries: readonly Entry[], key: string): Entry | undefined {
  const found = valuesOf(entries, key);
  if (found.length > 1) {
    throw new TincParseError(
      found[1]!.line,
      `${key} given twice (first on line ${found[0]!.line})`,
    );
  }
  return found[0];
}

export function renderEntries(entries: readonly { key: string; value: string }[]): string {
  return entries.map((e) => `${e.key} = ${e.value}\n`).join('');
}

export function renderPem(block: { label: string; body: string }): string {
  const rows = block.body.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${block.label}-----\n${rows.join('\n')}\n-----END ${block.label}-----\n`;
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}
