// Commands are data (argv parts) until the last moment. One function quotes; secrets are masked
// in every rendering except the text actually sent to the host.

/** A value that must never be shown: rendered as *** everywhere but on the wire. */
export class Secret {
  constructor(readonly value: string) {}
  toString(): string {
    return '***';
  }
  toJSON(): string {
    return '***';
  }
}

/** Shell syntax written by Salvo itself (`&&`, `|`, `>`); never built from inventory data. */
export class Raw {
  constructor(readonly text: string) {}
}

export type Part = string | number | Secret | Raw;

/** A command for a POSIX shell on the remote host, kept as parts. */
export interface Command {
  readonly parts: readonly Part[];
  /** What people are shown instead of the parts (a script's name, not its whole text). */
  readonly label?: string;
}

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single-quote `s` unless it is made only of characters no shell treats specially. */
export function quote(s: string): string {
  if (s !== '' && SAFE.test(s)) {
    return s;
  }
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Build a command from parts: strings and numbers are quoted, Raw is shell syntax, Secret is masked. */
export function cmd(...parts: Part[]): Command {
  return { parts };
}

/** A shell text typed by the operator (`salvo exec cloud1 -- 'ls | wc -l'`): passed as is. */
export function shell(text: string): Command {
  return { parts: [new Raw(text)] };
}

/** Join commands with `&&` into one. */
export function and(...commands: Command[]): Command {
  const parts: Part[] = [];
  commands.forEach((c, i) => {
    if (i > 0) {
      parts.push(new Raw('&&'));
    }
    parts.push(...c.parts);
  });
  return { parts };
}

function renderPart(p: Part, reveal: boolean): string {
  if (p instanceof Raw) {
    return p.text;
  }
  if (p instanceof Secret) {
    return reveal ? quote(p.value) : '***';
  }
  return quote(String(p));
}

/** The exact text sent to the remote shell. Contains secrets: never log it. */
export function toShell(c: Command): string {
  return c.parts.map((p) => renderPart(p, true)).join(' ');
}

/** The text shown to people, in logs, events, JSON and errors: secrets masked. */
export function display(c: Command): string {
  if (c.label !== undefined) {
    return c.label;
  }
  return c.parts.map((p) => renderPart(p, false)).join(' ');
}

/**
 * Largest stdin carried inside the command text: on an exec channel that text becomes one argument
 * of the remote shell, and Linux caps a single argument at 128 KiB.
 */
export const MAX_INLINE_INPUT = 32 * 1024;

/**
 * The command with `text` as its stdin, given by a quoted here-document inside the command text
 * itself, so that it needs no stdin of its own and can go through a host's warm shell session (a
 * command with stdin takes an exec channel of its own: a round trip and a login shell on the host).
 * The text is not expanded (the delimiter is quoted). undefined when the text cannot be carried
 * so — longer than MAX_INLINE_INPUT, holding a NUL, not ending with a newline (a here-document's
 * text always does), or holding a line equal to the delimiter (it would end the document early):
 * then give it as stdin.
 */
export function withInlineInput(command: Command, text: string): Command | undefined {
  if (
    text.length > MAX_INLINE_INPUT ||
    text.includes('\0') ||
    (text !== '' && !text.endsWith('\n'))
  ) {
    return undefined;
  }
  const delimiter = 'SALVO_INPUT_END';
  if (text.split('\n').includes(delimiter)) {
    return undefined;
  }
  return {
    parts: [...command.parts, new Raw(`<<'${delimiter}'\n${text}${delimiter}\n`)],
    ...(command.label !== undefined ? { label: command.label } : {}),
  };
}
