// Evaluate an expression to the set of names it denotes: operands applied left to right,
// groups resolved (recursively: a group's definition is itself an expression).
import { NodeSetProblem } from './problem.js';
import { type Operator, splitOperands } from './scanner.js';
import { expandPattern } from './term.js';

/** Resolves `@name` in node-set expressions; returns the names or undefined if unknown. */
export type GroupResolver = (name: string) => string[] | undefined;

interface Context {
  resolveGroup: GroupResolver | undefined;
  openGroups: readonly string[]; // being resolved right now, to catch a group that includes itself
}

function applyOperator(result: Set<string>, operator: Operator, operand: Set<string>): Set<string> {
  switch (operator) {
    case ',':
      for (const name of operand) {
        result.add(name);
      }
      return result;
    case '!':
      for (const name of operand) {
        result.delete(name);
      }
      return result;
    case '&':
      return new Set([...result].filter((name) => operand.has(name)));
    case '^':
      for (const name of operand) {
        if (!result.delete(name)) {
          result.add(name);
        }
      }
      return result;
  }
}

function resolveGroup(group: string, offset: number, context: Context): Set<string> {
  if (context.openGroups.includes(group)) {
    throw new NodeSetProblem(`group @${group} includes itself`, offset);
  }
  const members = context.resolveGroup?.(group);
  if (members === undefined) {
    throw new NodeSetProblem(`unknown group @${group}`, offset);
  }
  const definition = members.filter((member) => member.trim() !== '').join(',');
  if (definition === '') {
    return new Set();
  }
  try {
    return evaluate(definition, { ...context, openGroups: [...context.openGroups, group] });
  } catch (error) {
    if (!(error instanceof NodeSetProblem)) {
      throw error;
    }
    // Offsets inside the definition mean nothing to the caller: point at the "@" instead.
    throw new NodeSetProblem(`in group @${group} ("${definition}"): ${error.reason}`, offset);
  }
}

/** "@web" or "@rack[1-2]" (several groups at once, as ClusterShell allows). */
function resolveGroups(term: string, offset: number, context: Context): Set<string> {
  if (term === '@') {
    throw new NodeSetProblem('missing group name after "@"', offset);
  }
  const members = new Set<string>();
  for (const group of expandPattern(term.slice(1), offset + 1)) {
    for (const name of resolveGroup(group, offset, context)) {
      members.add(name);
    }
  }
  return members;
}

function evaluate(expr: string, context: Context): Set<string> {
  let result = new Set<string>();
  for (const { operator, text, offset } of splitOperands(expr)) {
    const names = text.startsWith('@')
      ? resolveGroups(text, offset, context)
      : new Set(expandPattern(text, offset));
    result = applyOperator(result, operator, names);
  }
  return result;
}

/** The distinct names `expr` denotes, in no particular order. Throws NodeSetProblem. */
export function evaluateNodeSet(expr: string, resolveGroup?: GroupResolver): Set<string> {
  return evaluate(expr, { resolveGroup, openGroups: [] });
}
