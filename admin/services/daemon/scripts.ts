// The POSIX sh scripts that run on a host to start, stop and inspect a daemon. They are constant
// text written here; every inventory value reaches them as a quoted positional argument
// (`sh -c SCRIPT salvo ARG…`), never spliced into the text.
//
// A unit's pid file `P` has two companions written at start: `P.cmdline` (the exact argv, NUL
// separated, as /proc/PID/cmdline shows it) and `P.version`. A pid counts as the unit's only
// while /proc/PID/cmdline equals `P.cmdline`, so a recycled pid is never signalled (pids wrap
// quickly) and an upgrade that changed the argv can still stop the old process.

import { PORT_HELPERS } from '../port-scripts.js';

/** Loops run against the wall clock (at least `secs`, at most one more), not by counting sleeps: forks make a
 * counted loop overrun its budget, and then the transport's deadline kills it mid-way. */
export const DEADLINE = `end=$(($(date +%s) + secs)); in_time() { [ "$(date +%s)" -le "$end" ]; }`;

/** last_run N: the last N lines of the log since the latest start (not older runs' lines).
 * gone PID: no such process, or a zombie. ours PID: it runs exactly the recorded argv (read
 * through a pipe: /proc files claim size 0, and cmp compares sizes of regular files first).
 * listening: anyone listens on $port (haproxy's start, which checks its own pid file's process);
 * owns_port PID / held_by: whose socket it is (port-scripts.ts; daemon start and status). */
const HELPERS = `
${DEADLINE}
gone() { s=$(sed 's/.*) //;s/ .*//' "/proc/$1/stat" 2>/dev/null); [ -z "$s" ] || [ "$s" = Z ]; }
ours() { [ -n "$1" ] && cat "/proc/$1/cmdline" 2>/dev/null | cmp -s - "$pidf.cmdline"; }
listening() { [ "$port" = - ] || cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$(printf ':%04X' "$port")" '$4=="0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }'; }
${PORT_HELPERS}
last_run() { tail -n 300 "$log" 2>/dev/null | sed -n '/ salvo: starting /h; / salvo: starting /!H; \${x;p;}' | sed '/^$/d' | tail -n "$1"; }
tail_log() { echo "last lines of $log:"; last_run 20; }
`;

/**
 * Start a program that stays in the foreground, detached from the SSH session: own session
 * (setsid, so the remote process-group kill of a timed-out command spares it), nohup, stdin
 * /dev/null, output appended to its log. Then wait until it runs the argv and its session holds
 * the listening socket. A port some other process listens on fails the start at once, naming
 * that process: "something listens" would take a squatter for the unit (and a program that never
 * listens would then look started), and the failure would surface only at the health gate.
 * `;` not `&&` before the `&`: the shell backgrounds a whole `a && b &` list, not just `b`.
 * args: pidfile logfile port|- seconds version argv…
 */
export const START = `pidf=$1 log=$2 port=$3 secs=$4 ver=$5; shift 5
${HELPERS}
mkdir -p "\${pidf%/*}" "\${log%/*}" || exit 1
pid=$(cat "$pidf" 2>/dev/null)
if ours "$pid" && ! gone "$pid"; then echo "already running (pid $pid)"; exit 0; fi
if [ "$port" != - ] && [ -n "$(listen_inodes)" ]; then echo "port $port is already in use by $(held_by): not starting"; exit 1; fi
printf '%s\\0' "$@" >"$pidf.cmdline" && printf '%s\\n' "$ver" >"$pidf.version" || exit 1
printf '%s salvo: starting %s\\n' "$(date -u +%FT%TZ)" "$*" >>"$log"
setsid nohup "$@" >>"$log" 2>&1 </dev/null &
pid=$!; echo "$pid" >"$pidf"
while in_time; do
  if gone "$pid"; then echo "exited during start-up (pid $pid)"; tail_log; exit 1; fi
  if ours "$pid" && owns_port "$pid"; then echo "started (pid $pid)"; exit 0; fi
  # Taken since the check above: fail now, not when the deadline passes.
  if [ "$port" != - ] && [ -n "$(listen_inodes)" ] && ! owns_port "$pid"; then echo "port $port was taken by $(held_by) while pid $pid started"; tail_log; exit 1; fi
  sleep 0.1
done
echo "pid $pid is not listening on port $port after \${secs}s"; tail_log; exit 1`;

/**
 * Stop: signal the recorded pid (after checking its argv), wait, then KILL after the timeout
 * (the old tool waited forever). A missing or stale pid file means "already stopped".
 * args: pidfile seconds signal
 */
export const STOP = `pidf=$1 secs=$2 sig=$3
${HELPERS}
pid=$(cat "$pidf" 2>/dev/null)
if [ -z "$pid" ]; then echo "not running (no pid file)"; exit 0; fi
if gone "$pid" || ! ours "$pid"; then rm -f "$pidf"; echo "not running (stale pid file: pid $pid is gone or runs another program)"; exit 0; fi
kill -s "$sig" "$pid" 2>/dev/null
while ! gone "$pid" && in_time; do sleep 0.1; done
how=$sig
if ! gone "$pid"; then
  kill -s KILL "$pid" 2>/dev/null; how="$sig ignored for \${secs}s, then KILL"
  i=0; while ! gone "$pid" && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
if ! gone "$pid"; then echo "pid $pid survived KILL"; exit 1; fi
rm -f "$pidf"; echo "stopped (pid $pid, $how)"`;

/**
 * Evidence for a health verdict, in sections parsed by probes/unit-status.ts. Raw data only
 * (ps line, LISTEN sockets of the port and who holds them, HTTP code); the parser decides.
 * args: pidfile logfile port|- health-url|- version-url|-
 * STATUS_EVIDENCE is the same without the final `exit`, for kinds that add sections of their own
 * after it (cassandra/scripts.ts); it leaves `$pid` and `$state` (none/gone/other/ours) set.
 */
export const STATUS_EVIDENCE = `pidf=$1 log=$2 port=$3 url=$4 vurl=$5
${HELPERS}
pid=$(cat "$pidf" 2>/dev/null)
echo "--- pid"; echo "$pid"
state=none; if [ -n "$pid" ]; then if gone "$pid"; then state=gone; elif ours "$pid"; then state=ours; else state=other; fi; fi
echo "--- state"; echo "$state"
echo "--- ps"; [ "$state" = ours ] && ps -o pid=,etimes=,args= -p "$pid"
echo "--- listen $port"; [ "$port" = - ] || cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$(printf ':%04X' "$port")" '$4=="0A" && substr($2, length($2) - 4) == p'
# Who holds those sockets: the unit's own session if it does (cheap), else every holder.
held=; [ "$state" = ours ] && [ "$port" != - ] && held=$(session_holders "$pid")
echo "--- holders $port"; if [ -n "$held" ]; then printf '%s\\n' "$held"; elif [ "$port" != - ]; then port_holders; fi
# HTTP only to a unit that owns its port: whoever else holds it would answer in its name.
mine=; [ "$state" = ours ] && { [ "$port" = - ] || [ -n "$held" ]; } && mine=1
code=-; [ -n "$mine" ] && [ "$url" != - ] && command -v curl >/dev/null 2>&1 && code=$(curl -s -o /dev/null -w '%{http_code}' -m 2 "$url")
echo "--- http $url"; echo "$code"
echo "--- version"; cat "$pidf.version" 2>/dev/null
echo "--- reported-version"; [ -n "$mine" ] && [ "$vurl" != - ] && curl -s -m 2 "$vurl" && echo
# The log tail only for trouble: a pid file whose process died (a failed start leaves it on
# purpose; a clean stop removes it), a process that does not answer, or one without its port.
trouble=1; case "$state:$code" in none:*|ours:2??|ours:-) trouble= ;; esac
[ "$state" = ours ] && [ -z "$mine" ] && trouble=1
echo "--- log"; [ -n "$trouble" ] && last_run 12`;

export const STATUS = `${STATUS_EVIDENCE}
exit 0`;

/**
 * Wait until an HTTP URL answers 2xx `passes` times in a row (a health gate inside a plan, so
 * a hub is re-enabled in haproxy only once it answers). args: url seconds passes
 */
export const WAIT_HTTP = `url=$1 secs=$2 need=$3 ok=0
${DEADLINE}
while in_time; do
  if curl -fs -o /dev/null -m 2 "$url"; then ok=$((ok + 1)); [ "$ok" -ge "$need" ] && { echo "healthy: $url answered $ok times in a row"; exit 0; }; else ok=0; fi
  sleep 0.2
done
echo "not healthy after \${secs}s: $url"; exit 1`;

/** Every unit recorded under a deployment's pids dir, for drift: stem, pid, ours?, version. args: dir */
export const SCAN = `dir=$1
${HELPERS}
for pidf in "$dir"/pids/*.pid; do
  [ -f "$pidf" ] || continue
  pid=$(cat "$pidf" 2>/dev/null); stem=\${pidf##*/}; stem=\${stem%.pid}
  alive=0; ours "$pid" && ! gone "$pid" && alive=1
  printf 'unit %s pid=%s alive=%s version=%s\\n' "$stem" "$pid" "$alive" "$(cat "$pidf.version" 2>/dev/null)"
done
exit 0`;

/** The helpers, for scripts of other modules (haproxy's start/reload). */
export const SCRIPT_HELPERS = HELPERS;
