// Scripts for nginx on its host (see daemon/scripts.ts for the conventions: constant text, every
// value a positional parameter). nginx daemonizes itself (`daemon on`): the command returns once
// the master has forked, and the master writes its pid file, so it is not started like the other
// daemons. The master leads its own session and process group; its workers stay in both.
//
// The master renames itself `nginx: master process nginx -e … -c …` once it runs; that title, read
// from /proc/PID/cmdline, is what `$pidf.cmdline` records, so `ours` (stop, status, the next start)
// recognises the master and never a recycled pid. `$pidf.version` is what `nginx -v` says.

import { SCRIPT_HELPERS } from '../daemon/index.js';

/**
 * Write the rendered config next to the live one, let nginx check it (`-t`: which also creates
 * its temp dirs, opens its logs and the pid file, creating an empty one), then move it in place: a
 * config nginx rejects never replaces a working one. Creates the static root, so a new host serves
 * an empty tree rather than errors. args: path text root logfile pidfile nginx-argv…
 */
export const NGINX_WRITE_CONFIG = `cfg=$1 text=$2 root=$3 log=$4 pidf=$5; shift 5
command -v "$1" >/dev/null 2>&1 || { echo "nginx is not installed here: $1 not found"; exit 1; }
mkdir -p "\${cfg%/*}" "\${log%/*}" "\${pidf%/*}" "$root" || exit 1
printf '%s' "$text" >"$cfg.new" || exit 1
fresh=; [ -e "$pidf" ] || fresh=1
out=$("$@" -t -q -e stderr -c "$cfg.new" 2>&1); ok=$?
# -t leaves an empty pid file where there was none: no unit ran, so none should be recorded.
[ -n "$fresh" ] && [ ! -s "$pidf" ] && rm -f "$pidf"
if [ "$ok" != 0 ]; then echo "nginx rejects the rendered config ($cfg.new):"; echo "$out"; exit 1; fi
if cmp -s "$cfg.new" "$cfg"; then rm -f "$cfg.new"; echo "config unchanged"; else mv "$cfg.new" "$cfg"; echo "config written to $cfg"; fi`;

/** workers PID: the master's children (its workers), one per line. failed: nginx logged an
 * [emerg] since Salvo's last marker line (a bind or open that failed: the master gives up or, on
 * a reload, keeps its old workers), so the script fails now, not at its deadline. */
const NGINX_HELPERS = `${SCRIPT_HELPERS}
workers() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }
failed() { last_run 50 | grep -q '\\[emerg\\]'; }
mark() { printf '%s salvo: starting %s\\n' "$(date -u +%FT%TZ)" "$*" >>"$log"; }`;

/**
 * Start nginx, or (mode reload) make a running master take the new config: HUP starts new
 * workers on it while the old ones finish their connections (nginx's graceful reload: no request
 * is dropped, the master and its pid stay). "reloaded" only once a new worker runs and the master
 * still holds the port; an [emerg] in the log (the new config could not be applied) fails it.
 * A start refuses at once, naming the holder, when another process holds the port, and is
 * "started" only once the master from the pid file holds the listening socket.
 * args: pidfile logfile seconds port start|reload nginx-argv… (ending in -c CONFIG)
 */
export const NGINX_UP = `pidf=$1 log=$2 secs=$3 port=$4 mode=$5; shift 5
${NGINX_HELPERS}
mkdir -p "\${pidf%/*}" "\${log%/*}" || exit 1
old=$(cat "$pidf" 2>/dev/null)
if ours "$old" && ! gone "$old"; then
  [ "$mode" = reload ] || { echo "already running (pid $old)"; exit 0; }
  before=" $(workers "$old" | tr '\\n' ' ')"
  mark "reload of pid $old (HUP)"
  kill -s HUP "$old" || { echo "could not signal nginx pid $old"; exit 1; }
  while in_time; do
    if gone "$old"; then echo "nginx pid $old exited during the reload"; tail_log; exit 1; fi
    if failed; then echo "nginx pid $old did not take the new config (it keeps the old one)"; tail_log; exit 1; fi
    new=$(workers "$old" | awk -v b="$before " 'index(b, " " $1 " ") == 0' | tr '\\n' ' ')
    if [ -n "$new" ] && owns_port "$old"; then echo "reloaded (pid $old, new workers \${new% })"; exit 0; fi
    sleep 0.1
  done
  echo "nginx pid $old started no new worker on port $port in \${secs}s after HUP"; tail_log; exit 1
fi
if [ -n "$(listen_inodes)" ]; then echo "port $port is already in use by $(held_by): not starting"; exit 1; fi
# The master writes its pid file after it forks: a stale file must not pass for the new master.
rm -f "$pidf" "$pidf.cmdline"
mark "$*"
if ! "$@" >>"$log" 2>&1 </dev/null; then echo "nginx failed to start"; tail_log; exit 1; fi
pid=
while in_time; do
  [ -n "$pid" ] || pid=$(cat "$pidf" 2>/dev/null)
  if failed; then echo "nginx failed to start\${pid:+ (pid $pid)}"; tail_log; exit 1; fi
  if [ -n "$pid" ]; then
    if gone "$pid"; then echo "nginx exited during start-up (pid $pid)"; tail_log; exit 1; fi
    if [ ! -s "$pidf.cmdline" ] && tr '\\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q '^nginx: master process '; then
      cat "/proc/$pid/cmdline" >"$pidf.cmdline"
    fi
    if [ -s "$pidf.cmdline" ] && owns_port "$pid"; then
      "$1" -v 2>&1 | sed -n 's|^nginx version: [^/]*/\\([^ ]*\\).*|\\1|p' >"$pidf.version"
      echo "started (pid $pid)"; exit 0
    fi
  fi
  sleep 0.1
done
echo "nginx \${pid:+pid $pid }is not listening on port $port after \${secs}s"; tail_log; exit 1`;

/**
 * Stop through the pid file only: QUIT (graceful: the workers finish the requests in flight, then
 * the master exits and removes its pid file), then after the timeout KILL the master's process
 * group: workers outlive a master killed alone, and would keep the port. args: pidfile seconds
 */
export const NGINX_STOP = `pidf=$1 secs=$2
${SCRIPT_HELPERS}
pid=$(cat "$pidf" 2>/dev/null)
if [ -z "$pid" ]; then echo "not running (no pid file)"; exit 0; fi
if gone "$pid" || ! ours "$pid"; then rm -f "$pidf"; echo "not running (stale pid file: pid $pid is gone or runs another program)"; exit 0; fi
# The master's session, zombies left out (this machine's pid 1 does not always reap them).
members() { ps -o pid=,stat= -s "$pid" 2>/dev/null | awk '$2 !~ /^Z/ { print $1 }'; }
kill -s QUIT "$pid" 2>/dev/null
while ! gone "$pid" && in_time; do sleep 0.1; done
how=QUIT
if ! gone "$pid" || [ -n "$(members)" ]; then
  kill -s KILL -- "-$pid" 2>/dev/null; how="QUIT, connections still open after \${secs}s, then KILL"
  i=0; while [ -n "$(members)" ] && [ "$i" -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
fi
if ! gone "$pid" || [ -n "$(members)" ]; then echo "nginx pid $pid (or its workers: $(members | tr '\\n' ' ')) survived KILL"; exit 1; fi
rm -f "$pidf"; echo "stopped (pid $pid, $how)"`;
