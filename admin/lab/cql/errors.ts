// LAB ONLY. An error the simulator answers with: a protocol error code, Cassandra's message, and
// the extra fields some codes carry (research/cassandra.md §2.6).
import { ERR, type Writer } from './protocol.js';

export class CqlError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly extra?: (w: Writer) => void,
  ) {
    super(message);
  }
}

const CL_CODES: Record<string, number> = {
  ANY: 0,
  ONE: 1,
  TWO: 2,
  THREE: 3,
  QUORUM: 4,
  ALL: 5,
  LOCAL_QUORUM: 6,
  EACH_QUORUM: 7,
  SERIAL: 8,
  LOCAL_SERIAL: 9,
  LOCAL_ONE: 10,
};

export const invalid = (m: string): CqlError => new CqlError(ERR.INVALID, m);

export function unavailable(cl: string, requiredN: number, alive: number): CqlError {
  return new CqlError(ERR.UNAVAILABLE, `Cannot achieve consistency level ${cl}`, (w) =>
    w
      .short(CL_CODES[cl] ?? 1)
      .int(requiredN)
      .int(alive),
  );
}

export function writeTimeout(cl: string, received: number, blockFor: number): CqlError {
  return new CqlError(
    ERR.WRITE_TIMEOUT,
    `Operation timed out - received only ${received} responses.`,
    (w) =>
      w
        .short(CL_CODES[cl] ?? 1)
        .int(received)
        .int(blockFor)
        .string('SIMPLE'),
  );
}

export function readTimeout(cl: string, received: number, blockFor: number): CqlError {
  return new CqlError(
    ERR.READ_TIMEOUT,
    `Operation timed out - received only ${received} responses.`,
    (w) =>
      w
        .short(CL_CODES[cl] ?? 1)
        .int(received)
        .int(blockFor)
        .byte(0),
  );
}
