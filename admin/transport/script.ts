// A local script run on a remote host without copying it by hand (`salvo exec --script FILE`).
// The script travels inside the command text: the remote shell writes it to a temporary file
// (mktemp, mode 0600) with its builtin printf, runs it with the interpreter its #! line names (sh
// when it has none) and removes the file when it ends, however it ends. stdin stays free for the
// script itself (forwarded stdin, --stdin FILE), and a pty or sudo work as for any command.
import { quote, Raw, type Command, type Part } from './command.js';

/** sshd hands the command to the login shell as one argument: Linux caps one at 128 KiB. */
export const MAX_COMMAND_BYTES = 128 * 1024;

export interface Script {
  /** Shown in results and events instead of the text (e.g. the local file's name). */
  name: string;
  content: string | Buffer;
}

/**
 * `( f=$(mktemp) …; printf %s SCRIPT > "$f" && INTERPRETER "$f" ARGS… )`, in a subshell so that
 * its traps never touch a session shell. Exit status: the script's (125 if no temporary file
 * could be made); the file is removed on exit, and on HUP, INT and TERM (a timeout's kill).
 */
export function scriptCommand(script: Script, args: readonly string[] = []): Command {
  const text = Buffer.isBuffer(script.content) ? script.content.toString('utf8') : script.content;
  if (
    text.includes('\0') ||
    (Buffer.isBuffer(script.content) && !Buffer.from(text).equals(script.content))
  ) {
    throw new RangeError(`${script.name}: not a text script (NUL bytes or not UTF-8)`);
  }
  const parts: Part[] = [
    new Raw(
      `( f=$(mktemp "\${TMPDIR:-/tmp}/salvo-script.XXXXXX") || exit 125; trap 'rm -f "$f"' EXIT; trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM; printf %s`,
    ),
    text,
    new Raw('> "$f" &&'),
    ...interpreter(text),
    new Raw('"$f"'),
    ...args,
    new Raw(')'),
  ];
  return { parts, label: ['script', ...[script.name, ...args].map(quote)].join(' ') };
}

/** The #! line's interpreter and its argument (Linux passes the rest of the line as one). */
export function interpreter(text: string): string[] {
  if (!text.startsWith('#!')) {
    return ['sh'];
  }
  const line = text.slice(2, text.indexOf('\n') < 0 ? undefined : text.indexOf('\n')).trim();
  const space = line.search(/[ \t]/);
  if (line === '') {
    return ['sh'];
  }
  return space < 0 ? [line] : [line.slice(0, space), line.slice(space).trim()];
}
