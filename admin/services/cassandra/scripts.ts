// The cassandra health probe: the daemon evidence of daemon/scripts.ts STATUS (pid, uptime,
// version, native port) and the ring as the node itself sees it (`nodetool status`), printed in
// sections by ONE script, so a probe stays one SSH round trip. Constant text; the listen address
// and the nodetool argv arrive as positional parameters, never spliced into the script.
import type { Command } from '../../transport/command.js';
import { script, statusArgs, type Daemon } from '../daemon/index.js';
import { STATUS_EVIDENCE } from '../daemon/index.js';

/** Real nodetool starts a JVM and may hang on JMX: a probe must end well within the gate's interval budget. */
const NODETOOL_TIMEOUT_SEC = 20;

/**
 * Sections after STATUS's: `ring-self` (the address of the node's own row, then what the host
 * resolves it to: a services file may name hosts, nodetool prints addresses), `nodetool` (its
 * output, stdout and stderr, each line prefixed `| ` so no line can open a section), and
 * `nodetool-exit SECONDS` (its exit code, 124 when `timeout` stopped it; `-` when the daemon is
 * not ours and nodetool was not run: a JVM start is wasted on a node that is down, and the
 * daemon verdict already says why).
 * args: the 5 of STATUS, listen-address, seconds, nodetool-argv…
 */
export const RING_STATUS = `${STATUS_EVIDENCE}
shift 5; self=$1 secs=$2; shift 2
echo "--- ring-self"; printf '%s\\n' "$self"; command -v getent >/dev/null 2>&1 && getent ahosts "$self" 2>/dev/null | awk '{ print $1 }' | sort -u
rc=-
echo "--- nodetool"
if [ "$state" = ours ]; then
  out=$(timeout -k 2 "$secs" "$@" 2>&1); rc=$?
  printf '%s\\n' "$out" | sed 's/^/| /'
fi
echo "--- nodetool-exit $secs"; echo "$rc"
exit 0`;

/** The probe for daemon `d` whose own row in `nodetool status` has `listenAddress`. */
export function ringStatusCommand(d: Daemon, listenAddress: string, nodetool: string[]): Command {
  return script(
    RING_STATUS,
    ...statusArgs(d),
    listenAddress,
    NODETOOL_TIMEOUT_SEC,
    ...nodetool,
    'status',
  );
}

/**
 * A nodetool command that is skipped (exit 0) on a node that is not running (nodetool cannot
 * connect) and when its snapshot already exists (a resumed upgrade); its output is printed.
 * args: seconds, nodetool-argv…, subcommand…
 */
export const NODETOOL_IF_UP = `secs=$1; shift
out=$(timeout -k 2 "$secs" "$@" 2>&1); rc=$?
[ -n "$out" ] && printf '%s\\n' "$out"
[ "$rc" -eq 0 ] && exit 0
case $out in
  *"Failed to connect"*) echo "node not running: skipped"; exit 0 ;;
  *"already exists"*) echo "already done: skipped"; exit 0 ;;
esac
exit $rc`;

export function nodetoolIfUp(seconds: number, nodetool: string[], ...args: string[]): Command {
  return script(NODETOOL_IF_UP, seconds, ...nodetool, ...args);
}
