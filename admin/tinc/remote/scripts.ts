// The shell scripts Salvo runs on a host, as constant text. Every value (paths, names, addresses)
// reaches them as a positional parameter ("$1"…) or on stdin, never spliced into the text.

/** Shared helpers: is the pid in the pid file a live tincd? (State Z counts as gone.) */
const RUNNING = `
alive() { s=$(sed -n 's/^State:[[:space:]]*\\(.\\).*/\\1/p' "/proc/$1/status" 2>/dev/null); [ -n "$s" ] && [ "$s" != Z ]; }
running() {
  pid=$(cat "$p" 2>/dev/null) || return 1
  case $pid in ''|*[!0-9]*) return 1 ;; esac
  alive "$pid" && { tr '\\0' ' ' < "/proc/$pid/cmdline"; } 2>/dev/null | grep -q tincd
}
`;

/**
 * $1 pid file. For the tinc service's health probe: the pid in the file, whether it is a live
 * tincd (the same test start and stop use), its ps line, and the installed tincd's version.
 */
export const HEALTH = `p=$1
${RUNNING}
if running; then live=yes; else live=no; fi
echo "--- pid"; echo "$pid"
echo "--- live"; echo "$live"
echo "--- ps"; [ "$live" = yes ] && ps -o pid=,etimes=,args= -p "$pid"
echo "--- version"; tincd --version 2>/dev/null | head -n 1
exit 0
`;

/** $1 conf dir, $2 pid file, $3 own tinc name. Full text of own files, hashes of peers' files. */
export const PROBE = `d=$1 p=$2 me=$3
${RUNNING}
if command -v tincd >/dev/null 2>&1; then echo 'tincd yes'; else echo 'tincd no'; fi
if running; then echo "pid $pid"; else echo 'pid -'; fi
if [ -f "$d/rsa_key.priv" ]; then echo "key $(stat -c %a "$d/rsa_key.priv")"; else echo 'key -'; fi
for f in tinc.conf tinc-up tinc-down "hosts/$me"; do
  if [ -f "$d/$f" ]; then printf 'file %s %s %s\\n' "$(stat -c %a "$d/$f")" "$(base64 -w0 < "$d/$f")" "$f"; fi
done
# Peers' files: one sha256sum for all (a process per file adds up over 20 hosts x 20 peers).
set --
for f in "$d"/hosts/*; do
  [ -f "$f" ] && [ "\${f##*/}" != "$me" ] && set -- "$@" "$f"
done
# A name with a backslash or a newline comes back escaped (a leading \\): not a tinc name, skipped.
[ $# -eq 0 ] || sha256sum -- "$@" | while read -r h f; do
  case $h in \\*) continue ;; esac
  printf 'hash %s hosts/%s\\n' "$h" "\${f##*/}"
done
exit 0
`;

/**
 * $1 conf dir, $2 tinc name, $3 bits. Generates the pair in a scratch dir on the host, moves the
 * private key into place (0600) and prints only the public host file. Never replaces a key.
 */
export const KEYGEN = `set -e
d=$1 n=$2 b=$3
umask 077
mkdir -p "$d/hosts"
if [ -e "$d/rsa_key.priv" ]; then echo "$d/rsa_key.priv exists: not replacing a key" >&2; exit 3; fi
t=$(mktemp -d "$d/.salvo-keygen.XXXXXX")
trap 'rm -rf "$t"' EXIT
mkdir "$t/hosts"
printf 'Name = %s\\n' "$n" > "$t/tinc.conf"
if ! tincd -c "$t" -K"$b" </dev/null >"$t/out" 2>&1; then cat "$t/out" >&2; exit 1; fi
chmod 600 "$t/rsa_key.priv"
mv "$t/rsa_key.priv" "$d/rsa_key.priv"
cat "$t/hosts/$n"
`;

/**
 * $1 conf dir; stdin: one change per line, "OP MODE DATA PATH" (w: write DATA, printf %b escapes;
 * b: write base64 DATA, for text with a NUL byte; d: delete; m: chmod). Paths are checked here
 * too: only tinc's own files, nothing outside $1. Writes are staged in $1/.salvo-push and renamed
 * into place at the end (each file atomically, one \`mv -t\` per directory): a process per file
 * would cost a fork and an exec each, and 20 hosts × 25 files adds up on a busy host.
 */
export const PUSH = `d=$1
umask 022
s=$d/.salvo-push
mkdir -p "$d/hosts" || exit 1
[ ! -e "$s" ] || rm -rf "$s" || exit 1
mkdir -p "$s/hosts" || exit 1
trap 'rm -rf "$s"' EXIT
top= hosts=
while read -r op mode data rel; do
  case $rel in tinc.conf|tinc-up|tinc-down|rsa_key.priv|hosts/?*) ;; *) echo "refusing path: $rel" >&2; exit 2 ;; esac
  case $rel in hosts/*/*|*..*) echo "refusing path: $rel" >&2; exit 2 ;; esac
  case $op:$rel in [wb]:rsa_key.priv|d:rsa_key.priv) echo "refusing to $op the private key" >&2; exit 2 ;; esac
  case $mode in [0-7][0-7][0-7]|-) ;; *) echo "bad mode: $mode" >&2; exit 2 ;; esac
  [ "$data" = - ] && data=
  case $op in
    w|b) if [ "$op" = w ]; then printf '%b' "$data" > "$s/$rel" || exit 1
         else printf '%s' "$data" | base64 -d > "$s/$rel" || exit 1; fi
       # umask 022 already gave 644
       if [ "$mode" != 644 ]; then chmod "$mode" "$s/$rel" || exit 1; fi
       case $rel in hosts/*) hosts=1 ;; *) top="$top $rel" ;; esac ;;
    d) rm -f "$d/$rel" || exit 1 ;;
    m) chmod "$mode" "$d/$rel" || exit 1 ;;
    *) echo "bad op: $op" >&2; exit 2 ;;
  esac
done
# $top holds only the three fixed names above: splitting it is safe.
if [ -n "$top" ]; then (cd "$s" && mv -f -t "$d" $top) || exit 1; fi
if [ -n "$hosts" ]; then mv -f -t "$d/hosts" "$s"/hosts/* || exit 1; fi
`;

/**
 * $1 net, $2 conf dir, $3 pid file, $4 log file, $5 interface, $6 VPN address, $7 action:
 * start | reload (SIGHUP) | restart | stop | purge (stop, then delete the conf dir and its key).
 * tincd detaches before it sets up the network, so "started" means: the pid file names a live
 * tincd AND tinc-up has put the VPN address on the interface.
 *
 * restart with peers' VPN addresses after the action ($8…) keeps this host's links: the peers it
 * reached before must answer again. A link still dark 2–3 s after the start is tinc 1.0's
 * packet-key race (admin/tinc/ops/repair.ts), which a clean restart of one end ends: up to two more
 * restarts, then a failure naming the links lost. Peers it did not reach before are not waited for.
 */
export const CONTROL = `net=$1 d=$2 p=$3 log=$4 ifc=$5 addr=$6 action=$7
shift 7
set -f
${RUNNING}
stop() {
  running || { rm -f "$p"; return 0; }
  kill "$pid"
  i=0
  while alive "$pid"; do
    i=$((i+1))
    [ $i -eq 100 ] && kill -9 "$pid"
    [ $i -ge 200 ] && { echo "tincd $pid does not stop" >&2; return 1; }
    sleep 0.05
  done
  rm -f "$p"
}
start() {
  [ -f "$d/tinc.conf" ] || { echo "$d/tinc.conf missing: run salvo tinc init" >&2; return 1; }
  # Only called when no live tincd owns the pid file. A killed tincd whose parent never reaps it
  # stays a zombie; tincd's own check (kill -0) would take that as "already running" and refuse.
  rm -f "$p"
  tincd -n "$net" --pidfile="$p" --logfile="$log" || { tail -n 5 "$log" >&2; return 1; }
  i=0
  until running && ip -o addr show dev "$ifc" 2>/dev/null | grep -qF " $addr/"; do
    i=$((i+1))
    [ $i -ge 100 ] && { echo "tincd did not come up in 5 s; end of $log:" >&2; tail -n 10 "$log" >&2; return 1; }
    sleep 0.05
  done
  echo "pid $pid"
}
reached() {
  for a in "$@"; do
    ( if ping -n -q -c1 -W1 "$a" >/dev/null 2>&1; then echo "$a"; fi ) &
  done
  wait
}
relink() {
  had=$(if running; then reached "$@"; fi)
  stop && start >/dev/null || return 1
  [ -n "$had" ] || return 0
  restarts=0 since=$(date +%s)
  while :; do
    now=" "$(reached $had | tr '\n' ' ')
    lost=
    for a in $had; do case $now in *" $a "*) ;; *) lost="$lost $a" ;; esac; done
    [ -z "$lost" ] && { [ $restarts -eq 0 ] || echo "relinked after $restarts more restart(s)"; return 0; }
    t=$(date +%s)
    if [ $((t - since)) -ge 3 ]; then
      [ $restarts -ge 2 ] && { echo "links lost by the restart:$lost" >&2; return 1; }
      stop && start >/dev/null || return 1
      restarts=$((restarts + 1)) since=$(date +%s)
    fi
    sleep 0.2
  done
}
case $action in
  start) if running; then echo "pid $pid"; else start; fi ;;
  reload) if running; then kill -HUP "$pid" && echo "pid $pid"; else start; fi ;;
  restart) if [ $# -gt 0 ]; then relink "$@" && { running; echo "pid $pid"; }; else stop && start; fi ;;
  stop) stop ;;
  purge) stop && rm -rf "$d" ;;
  *) echo "bad action: $action" >&2; exit 2 ;;
esac
`;

/** $@: VPN addresses. One ping each, all at once; one line per address. */
export const PINGS = `for a in "$@"; do
  ( if ping -n -q -c1 -W1 "$a" >/dev/null 2>&1; then echo "ok $a"; else echo "fail $a"; fi ) &
done
wait
`;
