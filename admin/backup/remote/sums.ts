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
 * `manifest SNAPSHOT [PREVIOUS [WORK]]`: SNAPSHOT/MANIFEST for SNAPSHOT/tree. A file of the tree that is the previous snapshot's file (rsync's --link-dest
 * hard-linked it: the same inode at the same path) keeps that snapshot's MANIFEST line instead of
 * being read and hashed again; the rest is hashed, and made durable meanwhile (in the
 * background): the data a snapshot adds is on disk when `manifest` returns; the files it shares
 * with the previous snapshot were when that one was published. One syncfs is the cheapest way
 * (0.15 s for 256 new files of 256 KiB on the lab's disk, against 0.4 s for their fsyncs, 8 at a
 * time), but it also writes out whatever else the file system has dirty, which on a node that
 * runs services, or in the lab, can be much more (212 MB once: seconds). So: syncfs only when
 * the machine's dirty data is at most twice what the snapshot adds, else an fsync of each file.
 * What is to be hashed is split in two halves by size when there is much of it (HASH_SPLIT_BYTES),
 * hashed by two processes at once, each into a file of its own (two writers on one file could
 * interleave partial lines).
 *
 * `manifest SNAPSHOT PREVIOUS WORK` keeps its work files, "files bytes" in WORK/.count among
 * them, in WORK (default SNAPSHOT.work), never in the snapshot: the caller removes WORK when it
 * likes, off the critical path (the receiver: in its waiter, after the publish).
 *
 * (Hashing files while rsync still received others, from rsync's --log-file, was tried: on a
 * 2-core host its find, openssl and sync per batch slowed the transfer itself by more than it
 * saved afterwards; docs/benchmarks.md, Backup.)
 */
/** Above this many bytes to hash, two hashing processes instead of one. */
export const HASH_SPLIT_BYTES = 16 << 20;

export const SUMS_FUNCTIONS = String.raw`
NL='
'
plain() { find . -type f ! -path "*$NL*" ! -path '*\\*' "$@"; }
odd() { find . -type f \( -path "*$NL*" -o -path '*\\*' \) "$@"; }
if command -v openssl >/dev/null 2>&1; then
  sums() { xargs -d '\n' -r openssl dgst -sha256 -r; }
else
  sums() { xargs -d '\n' -r sha256sum; }
fi
manifest() {
  mt=$1 mp=${'$'}{2:-} mw=${'$'}{3:-$1.work} mo=$PWD pm= ms= mh=
  [ -d "$mw" ] || mkdir -p "$mw" || return 1
  [ -n "$mp" ] && [ -f "$mp/MANIFEST" ] && pm=$mp/MANIFEST
  cd "$mt/tree" || return 1
  # One walk of both trees: N (this one: inode size path; odd names aside) and P (the previous
  # one).
  find . ${'$'}{pm:+"$mp/tree"} -type f \( -path './*' \( \( -path "*$NL*" -o -path '*\\*' \) \
      -fprint0 "$mw/.odd0" -fprintf "$mw/.oddsize" '%s\n' -o -printf 'N %i %s ./%P\n' \) \
    -o ! -path "*$NL*" ! -path '*\\*' -printf 'P %i ./%P\n' \) >"$mw/.list" </dev/null \
  && awk -v pm="$pm" -v oddsize="$mw/.oddsize" -v mf="$mt/MANIFEST" -v count="$mw/.count" \
      -v how="$mw/.sync" -v half="$mw/.tohash2" -v big=${HASH_SPLIT_BYTES} '
      BEGIN {
        if (pm != "") while ((getline l < pm) > 0) if (substr(l, 1, 1) != "\\") sum[substr(l, 67)] = l
        while ((getline l < oddsize) > 0) { n++; b += l; nb += l }
        while ((getline l < "/proc/meminfo") > 0) if (l ~ /^Dirty:/) { split(l, a, " "); dirty = a[2] * 1024 }
      }
      $1 == "P" { ino[substr($0, length($2) + 4)] = $2; next }
      { n++; b += $3; f[n] = substr($0, length($2) + length($3) + 5); fi[n] = $2; fs[n] = $3 }
      END {
        printf "" > mf
        for (i = 1; i <= n; i++) if (i in f) {
          p = f[i]
          if ((p in ino) && ino[p] == fi[i] && (p in sum)) print sum[p] > mf
          else { h[++m] = p; hs[m] = fs[i]; nh += fs[i] }
        }
        close(mf); printf "%d %d\n", n, b > count
        # Much to hash: two halves by size, the second to its own list.
        printf "" > half
        for (j = 1; j <= m; j++) if (nh > big && b2 < b1) { print h[j] > half; b2 += hs[j] } else { print h[j]; b1 += hs[j] }
        # One syncfs writes out the whole file system: only when the rest of what is dirty (the
        # machine-wide count, an upper bound) is no more than this snapshot adds. Else each file.
        nb += nh
        print (dirty - nb <= nb ? "fs" : "files") > how
      }' "$mw/.list" >"$mw/.tohash" && read -r how <"$mw/.sync" \
  && if [ "$how" = fs ]; then { sync -f . & ms=$!; }; else
       { { cat "$mw/.tohash" "$mw/.tohash2" | xargs -d '\n' -r -P 8 -n 32 sync \
           && { [ ! -s "$mw/.odd0" ] || xargs -0 sync <"$mw/.odd0"; }; } & ms=$!; }
     fi \
  && { [ ! -s "$mw/.tohash2" ] || { sums <"$mw/.tohash2" >"$mw/.sums2" & mh=$!; }; } \
  && sums <"$mw/.tohash" >>"$mt/MANIFEST" \
  && { [ -z "$mh" ] || { wait "$mh" && mh= && cat "$mw/.sums2" >>"$mt/MANIFEST"; }; } \
  && { [ ! -s "$mw/.odd0" ] || xargs -0 sha256sum <"$mw/.odd0" >>"$mt/MANIFEST"; }
  mr=$?
  [ -z "$mh" ] || wait "$mh"
  [ -z "$ms" ] || wait "$ms" || mr=1
  cd "$mo" && return "$mr"
}
`;
