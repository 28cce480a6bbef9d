// The shell text Salvo wraps around a command on the remote side, and the marker tokens it prints.
// Every marker carries a nonce unique to the command and unguessable from outside, so output that
// merely looks like a marker (or holds one from another command) is never mistaken for ours.
// Every token ends with ':' so that no nonce's token is a prefix of another's.
//
// Which shell runs the command: bash when the host has it (what `ssh host 'cmd'` gives root on our
// Debian hosts), else sh. Both paths (exec channel and shell session) use the same rule, so a
// command behaves the same whichever path carried it: a host without bash gets no session and its
// exec channels fall back to sh.
import { randomBytes } from 'node:crypto';
import { quote } from '../command.js';

// A random per-process prefix plus a counter: unique per command and unguessable from outside,
// without a crypto call per command (200 hosts × every command on the warm path).
const NONCE_PREFIX = randomBytes(6).toString('hex');
let nonceCounter = 0;

export function newNonce(): string {
  return `${NONCE_PREFIX}${(nonceCounter++).toString(36)}`;
}

/** stdout line `SALVO-START:<nonce>:` (exec): the command's stdout begins after it. */
export const startToken = (nonce: string): string => `SALVO-START:${nonce}:`;
/** stderr line `SALVO-PGID:<nonce>:<pid>`: the command's process group, for the kill. */
export const pgidToken = (nonce: string): string => `SALVO-PGID:${nonce}:`;
/** stdout `SALVO-END:<nonce>:<status>` (session): the command is over; its exit status. */
export const stdoutEndToken = (nonce: string): string => `SALVO-END:${nonce}:`;
/** stderr `SALVO-END:<nonce>:` (session): all of the command's stderr has been sent. */
export const stderrEndToken = (nonce: string): string => `SALVO-END:${nonce}:`;
/** `SALVO-READY:<nonce>:<pid>` on both streams once the session shell is up: whatever came
 * before it is login-shell noise. The pid is the shell's, to kill it if it ever wedges. */
export const readyToken = (nonce: string): string => `SALVO-READY:${nonce}:`;

// `--norc`: bash started by sshd sources ~/.bashrc even for `-c` (measured here: +130 ms per
// command with a pyenv-laden .bashrc). The login shell already did that once.
const BASH = 'bash --norc --noprofile';

/** The shell an exec-channel command runs in: bash, or sh on a host that has no bash. */
export type ExecShell = 'bash' | 'sh';

/**
 * Exec channel: the text given to the login shell. It `exec`s a clean shell (bash without rc
 * files, or sh) that prints the two marker lines and then evaluates the command itself: two shells
 * per command, the login shell and this one (an `sh` hop to choose between bash and sh cost ~0.6
 * ms more server CPU per command; the exec channel instead retries with `sh` when bash is missing,
 * see ssh/exec.ts). The text is one `exec` with quoted words, valid in any login shell.
 * sshd makes the login shell a session and process group leader (OpenSSH and dropbear both call
 * setsid() for a non-pty session), and `exec` keeps its pid, so `$$` printed first is the
 * command's process group id. Whatever the login shell's rc files print comes before the two
 * marker lines and is dropped, as in the session.
 * `eval "shift; $1"`: the command text is expanded into eval's argument first, then `shift` drops
 * it from the positional parameters, so the command sees `$0` = the shell and no `$1`, as with
 * `bash -c CMD`; eval is also how the session path runs a command.
 */
export function wrapExec(
  commandText: string,
  nonce: string,
  shell: ExecShell = 'bash',
  pty = false,
): string {
  // Under a pty: no echo of what we type (the ^D that ends stdin), and the terminal's \r\n
  // turned back into \n so that output reads as without one (`ssh -t` users see \r\n).
  const tty = pty ? 'stty -echo -onlcr 2>/dev/null; ' : '';
  const inner = `${tty}printf '${startToken(nonce)}\\n'; printf '${pgidToken(nonce)}%s\\n' "$$" >&2; eval "shift; $1"`;
  const exe = shell === 'bash' ? BASH : 'sh';
  return `exec ${exe} -c ${quote(inner)} ${shell} ${quote(commandText)}`;
}

/** Signal a whole remote process group; quiet if it is already gone. */
export function killText(pgid: number, signal: 'TERM' | 'KILL'): string {
  if (!Number.isInteger(pgid) || pgid <= 1) {
    throw new RangeError(`refusing to signal process group ${pgid}`);
  }
  return `kill -s ${signal} -- -${pgid} 2>/dev/null; exit 0`;
}

/** Exec-channel command that becomes the persistent session shell. */
export const SESSION_SHELL = `exec ${BASH} -s`;

/**
 * First thing written to the session shell.
 * - `set -m`: bash gives every background job its own process group (pgid = `$!`) with one fork
 *   and no exec; dash cannot (`can't access tty`), and `setsid sh -c` per command costs ~2 ms of
 *   exec here against ~0.7 ms for the fork alone.
 * - fd 3 keeps the channel's stderr for commands; the shell's own stderr (job notices such as
 *   "Terminated") goes to /dev/null so it never lands in a command's output.
 * - `trap : TERM INT`: a command's `kill $$` names the session shell (subshells share `$$`); a
 *   trapped signal interrupts `wait` instead of killing the session. Subshells reset the trap.
 */
export function sessionBoot(nonce: string): string {
  const ready = `printf '${readyToken(nonce)}%s\\n' "$$"`;
  return `set -m; exec 3>&2 2>/dev/null; trap : TERM INT; cd; ${ready}; ${ready} >&3\n`;
}

/**
 * One command in the session: a background subshell (own process group, stdin from /dev/null,
 * cwd reset to ~, env and shell state confined to it), its pgid on stderr, then the end markers.
 * The wait loop re-waits when `wait` was interrupted by a trapped signal while the job still runs;
 * a status above 128 otherwise means the job died of a signal (reported as such, like shells do).
 *
 * The command text follows its line raw, as a byte count for `read -N`: bash reads the script on
 * its stdin (a pipe) one byte per read(2) so that it never takes what a command should read,
 * which made a long script slow to start; `read -N` takes the text in a few
 * reads, unquoted. LC_ALL=C makes -N count bytes whatever the session's locale. A text holding a
 * NUL (which `read` would drop, breaking the count) goes quoted on the line instead.
 */
export function sessionCommand(commandText: string, nonce: string): string {
  const raw = !commandText.includes('\0');
  const take = raw
    ? `LC_ALL=C IFS= read -r -N ${Buffer.byteLength(commandText)} __salvo_c || exit; `
    : '';
  const run = raw ? 'eval "$__salvo_c"' : `eval ${quote(commandText)}`;
  return (
    `${take}( cd && ${run} ) </dev/null 2>&3 3>&- & ` +
    `printf '${pgidToken(nonce)}%s\\n' "$!" >&3; ` +
    `wait "$!"; __salvo_s=$?; ` +
    `while [ "$__salvo_s" -gt 128 ] && kill -0 "$!"; do wait "$!"; __salvo_s=$?; done; ` +
    `printf '${stdoutEndToken(nonce)}%s\\n' "$__salvo_s"; printf '${stderrEndToken(nonce)}\\n' >&3\n` +
    (raw ? commandText : '')
  );
}
