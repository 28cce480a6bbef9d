// Split an expression into operands: "cloud[1-7,10-21]!cloud3,@web" → cloud[1-7,10-21] / ! cloud3 / , @web
import { NodeSetProblem } from '../problem.js';

/** , union   ! difference   & intersection   ^ symmetric difference (applied left to right). */
export type Operator = ',' | '!' | '&' | '^';

export interface Operand {
  operator: Operator; // how this operand combines with everything to its left
  text: string; // trimmed
  offset: number; // of `text` in the expression
}

function isOperator(char: string): char is Operator {
  return char === ',' || char === '!' || char === '&' || char === '^';
}

/** Cut expr[start, end) into an operand, refusing an empty one next to an operator. */
function cutOperand(expr: string, start: number, end: number, operator: Operator): Operand {
  const raw = expr.slice(start, end);
  const text = raw.trim();
  if (text !== '') {
    return { operator, text, offset: start + raw.length - raw.trimStart().length };
  }
  if (start > 0) {
    throw new NodeSetProblem(`missing node set after "${operator}"`, start - 1);
  }
  throw new NodeSetProblem(`missing node set before "${expr[end]}"`, end);
}

/**
 * Operators are only recognized outside brackets, since commas inside them separate ranges.
 * Brackets are checked here, once, so later stages can trust that they pair up.
 */
export function splitOperands(expr: string): Operand[] {
  if (expr.trim() === '') {
    return []; // the empty set, as in ClusterShell
  }
  const operands: Operand[] = [];
  let operator: Operator = ',';
  let start = 0;
  let openBracket = -1;
  for (let i = 0; i < expr.length; i++) {
    const char = expr[i] ?? '';
    if (openBracket >= 0) {
      if (char === '[') {
        throw new NodeSetProblem(`"[" inside brackets opened at offset ${openBracket}`, i);
      }
      if (char === ']') {
        openBracket = -1;
      }
    } else if (char === '[') {
      openBracket = i;
    } else if (char === ']') {
      throw new NodeSetProblem('"]" without a matching "["', i);
    } else if (isOperator(char)) {
      operands.push(cutOperand(expr, start, i, operator));
      [operator, start] = [char, i + 1];
    }
  }
  if (openBracket >= 0) {
    throw new NodeSetProblem('"[" is never closed', openBracket);
  }
  operands.push(cutOperand(expr, start, expr.length, operator));
  return operands;
}
