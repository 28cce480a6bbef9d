// Errors for node-set expressions.
import { UsageError } from '../../errors.js';

/** A node-set expression (or a name given to foldNodeSet) is malformed or cannot be resolved. */
export class NodeSetError extends UsageError {
  override name = 'NodeSetError';
  constructor(
    message: string,
    readonly expr: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/**
 * What is wrong, and where, in the text being parsed. Internal: the parser throws it while it
 * works on a fragment (a term, a group's definition), and the public functions turn it into a
 * NodeSetError that quotes the whole expression the caller gave.
 */
export class NodeSetProblem extends Error {
  constructor(
    readonly reason: string,
    readonly offset: number,
  ) {
    super(reason);
  }
}

function toNodeSetError(problem: NodeSetProblem, expr: string): NodeSetError {
  return new NodeSetError(`invalid node set "${expr}": ${problem.reason}`, expr, problem.offset);
}

/** Runs `work`, turning any NodeSetProblem it throws into a NodeSetError about `expr`. */
export function reportProblemsIn<T>(expr: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof NodeSetProblem) {
      throw toNodeSetError(error, expr);
    }
    throw error;
  }
}
