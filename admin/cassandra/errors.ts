// Errors of the Cassandra subsystem: what went wrong, in words an operator acts on.
import { AdminError } from '../errors.js';

export type CassandraFailure =
  | 'unreachable' // no node answered (down, refused, connect timeout)
  | 'timeout' // a node answered too late, or the server's read/write timeout
  | 'unavailable' // too few replicas up for the consistency level
  | 'overloaded'
  | 'auth' // bad credentials, or not allowed
  | 'invalid' // the statement itself
  | 'nodetool' // a nodetool command failed
  | 'refused'; // a precondition does not hold (a node down before a repair …)

export class CassandraError extends AdminError {
  override name = 'CassandraError';
  constructor(
    readonly failure: CassandraFailure,
    message: string,
  ) {
    super(message);
  }
}
