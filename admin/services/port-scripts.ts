// Shell functions (POSIX sh) that tell who holds a port, for the daemon scripts: a unit's start
// succeeds only once the listening socket is the unit's own, and a port some other process holds
// is reported with that process's pid and command line. Constant text, like daemon/scripts.ts;
// they read $port, set by the script that includes them.
//
// The LISTEN sockets of $port are found by inode in /proc/net/tcp and tcp6 (the host's network
// namespace); a process holds one when a /proc/PID/fd link reads socket:[INODE] (root sees every
// process's fds, another user only its own). A unit owns its port when the holder is its pid or
// a process of its session: START runs it under setsid, so its pid leads a session that its
// children (workers, a wrapper's program) stay in.

/**
 * listen_inodes: " INODE…" of the port's LISTEN sockets (empty when nobody listens).
 * holder_line PID: "PID SESSION CMDLINE" (session: field 6 of /proc/PID/stat; argv joined by spaces).
 *   A process may exit while we look: 2>/dev/null comes before the `<` it silences (the shell
 *   applies redirections left to right and reports a failed `<` on the stderr of that moment).
 * session_holders PID: holder lines of PID and its session's processes that hold the port.
 * owns_port PID: one of them does (always true without a port).
 * port_holders: holder lines of every process holding the port (one ls over all /proc/PID/fd;
 * its "/proc/PID/fd:" headers say whose links follow).
 * held_by: the holders in words, "pid 42 (node -e …)", or why nobody can be named.
 */
export const PORT_HELPERS = `
listen_inodes() { cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$(printf ':%04X' "$port")" '$4=="0A" && substr($2, length($2) - 4) == p { printf " %s", $10 }'; }
holder_line() { printf '%s %s %s\\n' "$1" "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $4 }')" "$(tr '\\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | cut -c1-200)"; }
session_holders() {
  _ino=$(listen_inodes); [ -n "$_ino" ] || return 0
  for _p in $( { echo "$1"; ps -o pid= -s "$1" 2>/dev/null; } | sort -un); do
    ls -l "/proc/$_p/fd" 2>/dev/null | awk -v i="$_ino " '$NF ~ /^socket:\\[/ && index(i, " " substr($NF, 9, length($NF) - 9) " ") { f = 1 } END { exit !f }' && holder_line "$_p"
  done
}
owns_port() { [ "$port" = - ] || [ -n "$(session_holders "$1")" ]; }
port_holders() {
  _ino=$(listen_inodes); [ -n "$_ino" ] || return 0
  ls -l /proc/[0-9]*/fd 2>/dev/null | awk -v i="$_ino " '/^\\/proc\\/[0-9]+\\/fd:$/ { split($0, d, "/"); p = d[3]; next } $NF ~ /^socket:\\[/ && index(i, " " substr($NF, 9, length($NF) - 9) " ") { print p }' | sort -un |
    while read -r _p; do holder_line "$_p"; done
}
held_by() { _h=$(port_holders); [ -n "$_h" ] || { echo "a process not visible here (another user's, or another pid namespace's)"; return; }
  printf '%s\\n' "$_h" | awk '{ p = $1; $1 = $2 = ""; sub(/^ +/, ""); sub(/ +$/, ""); printf "%spid %s (%s)", s, p, $0; s = ", " } END { print "" }'; }`;
