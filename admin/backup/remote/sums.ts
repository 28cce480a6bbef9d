// How the backup scripts hash a snapshot's files: the manifest written at backup time
// (receive.ts) and `backup verify` (verify.ts) must name and hash every file the same way.
// Lines are sha256sum's (`HASH  ./path`, or `HASH *./path` from openssl; both are what
// `sha256sum -c` reads). OpenSSL uses the CPU's SHA extensions where coreutils' sha256sum does
// not (on the lab's Xeon: 0.08 s of CPU for 64 MiB against 0.47 s), so it hashes whenever the
// host has it. A path with a newline or a backslash goes to sha256sum, which escapes it (a
// leading `\` on its line): openssl would print it raw and break the line format.

/**
 * Shell functions: `plain FIND-ARGS…` and `odd FIND-ARGS…` (the files under `.` with a plain or
 * an escaped path), `sums` (stdin: one plain path a line → sha256 lines), and
 * `manifest SNAPSHOT [PREVIOUS]`: SNAPSHOT/MANIFEST for SNAPSHOT/tree, and "files bytes" in
 * SNAPSHOT/.count. A file of the tree that is the previous snapshot's file (rsync's --link-dest
 * hard-linked it: the same inode at the same path) keeps that snapshot's MANIFEST line instead of
 * being read and hashed again; the rest is hashed, and made durable meanwhile (in the
 * background): the data a snapshot adds is on disk when `manifest` returns; the files it shares
 * with the previous snapshot were when that one was published. One syncfs is the cheapest way
 * (0.15 s for 256 new files of 256 KiB on the lab's disk, against 0.4 s for their fsyncs, 8 at a
 * time), but it also writes out whatever else the file system has dirty, which on a node that
 * runs services, or in the lab, can be much more (212 MB once: seconds). So: syncfs only when
 * the machine's dirty data is at most twice what the snapshot adds, else an fsync of each file.
 *
 * `early SNAPSHOT` (before rsync; sets `el`, the rsync options to add, and `ep`, the hasher's pid)
 * and `early_end [stop]` (after it) take most of that work off the end of a full run: rsync's
 * receiver logs each file it has finished (`--log-file`, a fifo here), and a background hasher
 * reads that log, and for each batch of finished files (EARLY_FILES of them or EARLY_BYTES) notes
 * their inode, size and ctime, hashes them, and fsyncs them, while the rest still flows. Its
 * records are SNAPSHOT/.early.s (`S BATCH INODE SIZE CTIME ./path`, taken before the hash),
 * .early.h (hash lines) and .early.k (`K BATCH`: fsynced). `manifest` takes a hash from there only
 * for a file whose batch was fsynced and whose inode, size and ctime are still what they were
 * before it was read (any later write or link changes the ctime); anything else it hashes and
 * makes durable itself, as above, so the manifest and the durability promise do not depend on
 * when rsync logs or whether the hasher kept up. The batch not yet full when rsync ends is left to
 * `manifest` too (one openssl for the rest, as on an incremental run). The hasher holds no lock
 * fd and no stdio of the session, and ends by itself when the log has no writer left: after
 * `early_end`, or when this shell and its rsync die (SIGKILL included).
 */
/** A batch of the early hasher: this many finished files, or this many bytes, whichever first. */
export const EARLY_FILES = 16;
export const EARLY_BYTES = 4 << 20;

export const SUMS_FUNCTIONS = String.raw`
NL='
'
plain() { find . -type f ! -path "*$NL*" ! -path '*\\*' "$@"; }
odd() { find . -type f \( -path "*$NL*" -o -path '*\\*' \) "$@"; }
if command -v openssl >/dev/null 2>&1; then
  sums() { xargs -d '\n' -r openssl dgst -sha256 -r; }
  hashes() { openssl dgst -sha256 -r "$@"; }
else
  sums() { xargs -d '\n' -r sha256sum; }
  hashes() { sha256sum "$@"; }
fi
early() {
  el= ep= ed=$1
  mkfifo "$1/.log" && exec 5<>"$1/.log" || return 0
  # The subshell lets go of the lock (9), the fifo's write end (5) and the session's stdio. Its
  # read-only open does not block: this shell's fd 5 is a writer until early_end.
  # It reads the log to its end whatever happens to a batch: rsync would block on a full fifo.
  ( exec 5>&- 9>&- </dev/null >/dev/null 2>&1
    # Log lines: "DATE TIME [PID] ITEMIZE LENGTH NAME"; only received files (>f), only plain names
    # (rsync escapes the rest with a backslash; manifest hashes those). Read by the shell, a line
    # at a time as rsync writes it (mawk would wait for a full buffer); batches go on, one a line.
    T='	' c=0 z=0 b=
    while IFS= read -r l; do
      r=${'$'}{l#*\] }
      case $r in '>f'*' '*' '?*) ;; *) continue ;; esac
      r=${'$'}{r#* } && p=${'$'}{r#* } && r=${'$'}{r%% *}
      case $p in *\\*|*"$T"*) continue ;; esac
      case $r in *[!0-9]*|'') continue ;; esac
      b=$b${'$'}{b:+$T}./$p c=$((c + 1)) z=$((z + r))
      [ "$c" -lt ${EARLY_FILES} ] && [ "$z" -lt ${EARLY_BYTES} ] || { printf '%s\n' "$b"; b= c=0 z=0; }
    done <"$1/.log" | {
      k=0 IFS=$T go=
      set -f
      cd "$1/tree" && go=1
      while IFS= read -r l; do
        k=$((k + 1))
        [ -n "$go" ] && [ ! -e ../.early.stop ] || continue
        set -- $l
        find "$@" -maxdepth 0 -printf "S $k %i %s %C@ %p\n" >>../.early.s 2>/dev/null
        hashes "$@" >>../.early.h 2>/dev/null
        { sync "$@" 2>/dev/null && echo "K $k" >>../.early.k; } &
      done
      wait; } ) &
  ep=$! el=--log-file=$1/.log
}
early_end() {
  [ -n "$ep" ] || return 0
  [ -z "${'$'}{1:-}" ] || : >"$ed/.early.stop" 2>/dev/null
  exec 5>&-
  wait "$ep"
  ep=
}
manifest() {
  mt=$1 mp=${'$'}{2:-} mo=$PWD pm= ms=
  [ -n "$mp" ] && [ -f "$mp/MANIFEST" ] && pm=$mp/MANIFEST
  cd "$mt/tree" || return 1
  # One walk of both trees: N (this one: inode size ctime path; odd names aside) and P (the
  # previous one).
  find . ${'$'}{pm:+"$mp/tree"} -type f \( -path './*' \( \( -path "*$NL*" -o -path '*\\*' \) \
      -fprint0 "$mt/.odd0" -fprintf "$mt/.oddsize" '%s\n' -o -printf 'N %i %s %C@ ./%P\n' \) \
    -o ! -path "*$NL*" ! -path '*\\*' -printf 'P %i ./%P\n' \) >"$mt/.list" </dev/null \
  && awk -v pm="$pm" -v oddsize="$mt/.oddsize" -v mf="$mt/MANIFEST" -v count="$mt/.count" -v how="$mt/.sync" \
      -v es="$mt/.early.s" -v eh="$mt/.early.h" -v ek="$mt/.early.k" '
      BEGIN {
        if (pm != "") while ((getline l < pm) > 0) if (substr(l, 1, 1) != "\\") sum[substr(l, 67)] = l
        # The early hasher: a hash counts for an inode only if its batch was fsynced.
        while ((getline l < ek) > 0) { split(l, a, " "); synced[a[2]] = 1 }
        while ((getline l < es) > 0) {
          split(l, a, " ")
          if (a[2] in synced) { p = substr(l, length(a[2]) + length(a[3]) + length(a[4]) + length(a[5]) + 7); sino[p] = a[3]; sst[p] = a[4] " " a[5] }
        }
        while ((getline l < eh) > 0) if ((p = substr(l, 67)) in sino) { e[sino[p]] = substr(l, 1, 66); est[sino[p]] = sst[p] }
        while ((getline l < oddsize) > 0) { n++; b += l; nb += l }
        while ((getline l < "/proc/meminfo") > 0) if (l ~ /^Dirty:/) { split(l, a, " "); dirty = a[2] * 1024 }
      }
      $1 == "P" { ino[substr($0, length($2) + 4)] = $2; next }
      { n++; b += $3; p = substr($0, length($2) + length($3) + length($4) + 6); f[n] = p; fi[n] = $2; fs[n] = $3; fc[n] = $3 " " $4 }
      END {
        printf "" > mf
        for (i = 1; i <= n; i++) if (i in f) {
          p = f[i]
          if ((p in ino) && ino[p] == fi[i] && (p in sum)) print sum[p] > mf
          else if ((fi[i] in e) && est[fi[i]] == fc[i]) print e[fi[i]] p > mf
          else { print p; nb += fs[i] }
        }
        close(mf); printf "%d %d\n", n, b > count
        # One syncfs writes out the whole file system: only when the rest of what is dirty (the
        # machine-wide count, an upper bound) is no more than this snapshot adds. Else each file.
        print (dirty - nb <= nb ? "fs" : "files") > how
      }' "$mt/.list" >"$mt/.tohash" && read -r how <"$mt/.sync" \
  && if [ "$how" = fs ]; then { sync -f . & ms=$!; }; else
       { { xargs -d '\n' -r -P 8 -n 32 sync <"$mt/.tohash" && { [ ! -s "$mt/.odd0" ] || xargs -0 sync <"$mt/.odd0"; }; } & ms=$!; }
     fi \
  && sums <"$mt/.tohash" >>"$mt/MANIFEST" \
  && { [ ! -s "$mt/.odd0" ] || xargs -0 sha256sum <"$mt/.odd0" >>"$mt/MANIFEST"; }
  mr=$?
  [ -z "${'$'}{ms:-}" ] || wait "$ms" || mr=1
  cd "$mo" && rm -f "$mt/.list" "$mt/.tohash" "$mt/.odd0" "$mt/.oddsize" "$mt/.sync" "$mt/.log" \
    "$mt/.early.s" "$mt/.early.h" "$mt/.early.k" "$mt/.early.stop" && return "$mr"
}
`;
