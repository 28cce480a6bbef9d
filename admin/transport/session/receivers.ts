// What the shell session does with its output while one command (or the boot handshake) is in
// flight: find our markers, cut them out, and keep every other byte exactly.
import {
  ByteSink,
  DEFAULT_OUTPUT_LIMIT,
  LineMarker,
  cutRanges,
  parsePid,
  type OutputLimit,
} from './markers.js';
import { pgidToken, readyToken, stderrEndToken, stdoutEndToken } from './wrap.js';
import { fromShellStatus, type RawRun } from '../run-control.js';

/** Receives the session's output while one command (or the boot handshake) is in flight. */
export interface Receiver {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
  lost(): void;
}

/** Waits for the READY marker on both streams; what precedes it is login-shell noise. */
export class Handshake implements Receiver {
  private readonly out = new ByteSink();
  private readonly err = new ByteSink();
  private readonly outMark: LineMarker;
  private readonly errMark: LineMarker;
  private finish: () => void = () => undefined;
  readonly done = new Promise<void>((resolve) => {
    this.finish = resolve;
  });
  pid?: number;

  constructor(readonly nonce: string) {
    this.outMark = new LineMarker(readyToken(nonce));
    this.errMark = new LineMarker(readyToken(nonce));
  }

  stdout(chunk: Buffer): void {
    this.out.append(chunk);
    this.check();
  }
  stderr(chunk: Buffer): void {
    this.err.append(chunk);
    this.check();
  }
  lost(): void {
    this.finish();
  }

  private check(): void {
    const out = this.outMark.scan(this.out);
    if (out && this.errMark.scan(this.err)) {
      this.pid = parsePid(out.value);
      this.finish();
    }
  }
}

/** One command's output, cut at its end markers, with its pgid line removed from stderr. */
export class PendingCommand implements Receiver {
  private readonly out: ByteSink;
  private readonly err: ByteSink;
  private readonly pgidMark: LineMarker;
  private readonly outEnd: LineMarker;
  private readonly errEnd: LineMarker;
  private notePgid: (pid: number | undefined) => void = () => undefined;
  private finish: () => void = () => undefined;
  private wasLost = false;
  finished = false;
  readonly pgid = new Promise<number | undefined>((resolve) => {
    this.notePgid = resolve;
  });
  readonly done = new Promise<void>((resolve) => {
    this.finish = resolve;
  });

  constructor(
    readonly nonce: string,
    limit: OutputLimit = DEFAULT_OUTPUT_LIMIT,
  ) {
    this.out = new ByteSink(limit);
    this.err = new ByteSink(limit);
    this.pgidMark = new LineMarker(pgidToken(nonce));
    this.outEnd = new LineMarker(stdoutEndToken(nonce));
    this.errEnd = new LineMarker(stderrEndToken(nonce));
  }

  stdout(chunk: Buffer): void {
    if (this.outEnd.hit) {
      return; // nothing of this command follows its end marker
    }
    this.out.append(chunk);
    this.outEnd.scan(this.out);
    this.check();
  }

  stderr(chunk: Buffer): void {
    if (this.errEnd.hit) {
      return;
    }
    this.err.append(chunk);
    const pgidSeen = this.pgidMark.hit;
    const pgidLine = pgidSeen ? undefined : this.pgidMark.scan(this.err);
    if (pgidLine) {
      this.notePgid(parsePid(pgidLine.value));
    }
    this.errEnd.scan(this.err);
    this.check();
  }

  lost(): void {
    this.wasLost = true;
    this.notePgid(undefined);
    this.finished = true;
    this.finish();
  }

  result(): RawRun {
    const outEnd = this.outEnd.hit;
    const errEnd = this.errEnd.hit;
    const stdout = Buffer.from(this.out.view(0, outEnd?.start));
    const errBytes = this.err.view(0, errEnd?.start);
    const pgidLine = this.pgidMark.hit;
    const stderr =
      pgidLine && pgidLine.end <= errBytes.length
        ? cutRanges(errBytes, [pgidLine])
        : Buffer.from(errBytes);
    const dropped = {
      stdout: this.out.droppedIn(0, outEnd?.start),
      stderr: this.err.droppedIn(0, errEnd?.start),
    };
    const status = outEnd ? Number(outEnd.value) : NaN;
    if (!outEnd || !errEnd || !Number.isInteger(status)) {
      const why = this.wasLost
        ? 'the shell session closed before the command finished'
        : 'the command did not finish';
      return { exitCode: null, signal: null, stdout, stderr, lost: why, dropped };
    }
    return { ...fromShellStatus(status), stdout, stderr, dropped };
  }

  private check(): void {
    if (!this.outEnd.hit || !this.errEnd.hit) {
      return;
    }
    this.finished = true;
    this.finish();
  }
}
