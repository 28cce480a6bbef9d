// Scripts for haproxy on its host (see daemon/scripts.ts for the conventions). haproxy daemonizes
// itself (-D) and writes its own pid file (-p), so it is not started like the other daemons.

import { DEADLINE, SCRIPT_HELPERS } from '../daemon/scripts.js';

/**
 * Write the rendered config next to the live one, let haproxy check it, then move it in place:
 * a config haproxy rejects never replaces a working one. args: path text haproxy-argv…
 */
export const WRITE_CONFIG = `cfg=$1 text=$2; shift 2
mkdir -p "\${cfg%/*}" || exit 1
printf '%s' "$text" >"$cfg.new" || exit 1
if ! out=$("$@" -c -q -f "$cfg.new" 2>&1); then echo "haproxy rejects the rendered config:"; echo "$out"; exit 1; fi
if cmp -s "$cfg.new" "$cfg"; then rm -f "$cfg.new"; echo "config unchanged"; else mv "$cfg.new" "$cfg"; echo "config written to $cfg"; fi`;

/**
 * Start haproxy, or (mode reload) replace a running one without dropping connections: the new
 * process takes the listening sockets over the admin socket (-x) and tells the old one to finish
 * its connections and exit (-sf); test/integration/services/services.test.ts restarts it under load and
 * no request fails.
 * args: pidfile logfile seconds port socket start|reload haproxy-argv… (ending in -D -f CFG -p PIDFILE)
 */
export const HAPROXY_UP = `pidf=$1 log=$2 secs=$3 port=$4 sock=$5 mode=$6; shift 6
${SCRIPT_HELPERS}
mkdir -p "\${pidf%/*}" "\${log%/*}" || exit 1
old=$(cat "$pidf" 2>/dev/null)
if ours "$old" && ! gone "$old"; then
  [ "$mode" = reload ] || { echo "already running (pid $old)"; exit 0; }
  set -- "$@" -x "$sock" -sf "$old"
else
  old=
  # A port another process holds: haproxy would fail to bind (or, with SO_REUSEPORT, share it
  # with the stranger and leave it half the traffic). Say who holds it, start nothing.
  if [ -n "$(listen_inodes)" ]; then echo "port $port is already in use by $(held_by): not starting"; exit 1; fi
fi
printf '%s salvo: starting %s\\n' "$(date -u +%FT%TZ)" "$*" >>"$log"
if ! "$@" >>"$log" 2>&1 </dev/null; then echo "haproxy failed to start"; tail_log; exit 1; fi
pid=$(cat "$pidf" 2>/dev/null)
if [ -z "$pid" ] || [ "$pid" = "$old" ]; then echo "haproxy wrote no new pid to $pidf"; tail_log; exit 1; fi
cat "/proc/$pid/cmdline" >"$pidf.cmdline" 2>/dev/null
"$1" -v 2>/dev/null | sed -n '1s/^[^ ]* version \\([^ ]*\\).*/\\1/p' >"$pidf.version"
while in_time; do
  if gone "$pid"; then echo "haproxy exited during start-up (pid $pid)"; tail_log; exit 1; fi
  # Listening is not enough: the socket must be the new haproxy's own (handed over by -x on reload).
  if owns_port "$pid"; then if [ -n "$old" ]; then echo "reloaded (pid $old → $pid)"; else echo "started (pid $pid)"; fi; exit 0; fi
  if [ -z "$old" ] && [ -n "$(listen_inodes)" ]; then echo "port $port was taken by $(held_by) while haproxy pid $pid started"; tail_log; exit 1; fi
  sleep 0.1
done
echo "haproxy pid $pid is not listening on port $port"; tail_log; exit 1`;

/** The runtime API, and one `show stat` column of one server found by its header name. */
const API = `api() { printf '%s\\n' "$1" | socat -t 5 stdio "UNIX-CONNECT:$sock" 2>&1; }
field() { api "show stat" | awk -F, -v b="$be" -v s="$srv" -v col="$1" 'NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) if ($i == col) c = i; next } $1 == b && $2 == s { print $c }'; }
[ -S "$sock" ] || { echo "no haproxy runs here ($sock is missing): nothing to do"; exit 0; }`;

/**
 * `set server BACKEND/SERVER state drain|ready`. A haproxy that is not running, or does not know
 * the server (its config predates the services file), sends it nothing: not a failure. After
 * `ready`, wait until haproxy's own health check has the server UP, so the next unit of a rolling
 * restart is drained only once this one takes traffic again. args: socket backend server state seconds
 */
export const SET_SERVER_STATE = `sock=$1 be=$2 srv=$3 st=$4 secs=$5
${API}
${DEADLINE}
out=$(api "set server $be/$srv state $st") || { echo "haproxy does not answer on $sock ($out): nothing to do"; exit 0; }
case "$out" in
  "") echo "$be/$srv: state $st" ;;
  *"No such"*) echo "haproxy here does not know $be/$srv: $out (restart haproxy to render the services file)"; exit 0 ;;
  *) echo "$out"; exit 1 ;;
esac
[ "$st" = ready ] || exit 0
while in_time; do
  s=$(field status); [ "$s" = UP ] && { echo "$be/$srv is UP in haproxy"; exit 0; }
  sleep 0.2
done
echo "$be/$srv is still '$s' in haproxy after \${secs}s: its health check fails"; exit 1`;

/**
 * Wait until a drained server has no sessions left (scur = 0). Past the deadline it goes on
 * anyway, saying so: a long-lived connection (a websocket) must not block a restart forever.
 * args: socket backend server seconds
 */
export const WAIT_IDLE = `sock=$1 be=$2 srv=$3 secs=$4
${API}
${DEADLINE}
while :; do
  n=$(field scur)
  [ -n "$n" ] || { echo "haproxy here does not know $be/$srv: no sessions to wait for"; exit 0; }
  [ "$n" = 0 ] && { echo "$be/$srv has no sessions left"; exit 0; }
  in_time || { echo "$be/$srv still has $n sessions after \${secs}s; going on"; exit 0; }
  sleep 0.2
done`;
