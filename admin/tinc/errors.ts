// tinc errors. A broken file is named with the host it lives on and its path, because the
// operator has to go and fix that one file (or delete it so Salvo collects it again).
import { AdminError } from '../errors.js';

export class TincError extends AdminError {
  override name = 'TincError';
}

/** A tinc file that does not parse: on a host (`host` set) or in the local conf dir (`host` unset). */
export class TincFileError extends TincError {
  override name = 'TincFileError';
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly options: { host?: string; line?: number; hint?: string } = {},
  ) {
    const where = `${options.host ? `${options.host}: ` : ''}${file}${options.line ? `:${options.line}` : ''}`;
    super(`${where}: ${detail}${options.hint ? `\n  ${options.hint}` : ''}`);
  }
}

/** Thrown by the pure parsers: a line number and what is wrong there; callers add host and file. */
export class TincParseError extends Error {
  override name = 'TincParseError';
  constructor(
    readonly line: number | undefined,
    readonly detail: string,
  ) {
    super(line ? `line ${line}: ${detail}` : detail);
  }
}
