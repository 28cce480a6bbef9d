// The process ends only once what it wrote has left it. Node writes to a pipe asynchronously
// once the pipe is full, so process.exit() right after main() returned cut piped output at the
// pipe's buffer size (`salvo exec … | wc -c` saw 65536 bytes). An empty write's callback runs
// after every earlier write on that stream has been handed to the kernel.

/** Exit with `code` once stdout and stderr are flushed (or their reader is gone). */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  const streams = [process.stdout, process.stderr];
  let pending = streams.length;
  const flushed = (): void => {
    pending -= 1;
    if (pending === 0) {
      process.exit(code);
    }
  };
  for (const stream of streams) {
    // A reader that went away (`salvo … | head -1`) is an EPIPE here: nothing more can be
    // delivered, so that stream counts as done instead of crashing the process.
    stream.on('error', () => process.exit(code));
    if (stream.destroyed || !stream.writable) {
      flushed();
    } else {
      stream.write('', flushed);
    }
  }
}
