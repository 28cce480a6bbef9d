// Evaluate an expression to the set it denotes, pattern by pattern, as ranges (no name is
// listed): operands applied left to right, groups resolved (a group's definition is itself an
// expression), each group once per evaluation.
import { withBudget, workingAt } from './budget.js';
import {
  type PatternSet,
  intersect,
  patternKey,
  subtract,
  symmetricDifference,
  unite,
} from './sets/pattern-set.js';
import { NodeSetProblem } from './problem.js';
import { type Operator, splitOperands } from './parse/scanner.js';
import { expandPattern } from './parse/term.js';
import { MAX_NAMES, namesOf, sizeOf } from './value.js';

/** Resolves `@name` in node-set expressions; returns the names or undefined if unknown. */
export type GroupResolver = (name: string) => string[] | undefined;

/** A node set: its patterns by ClusterShell's pattern key. */
export type NodeSetValue = Map<string, PatternSet>;

interface Context {
  resolveGroup: GroupResolver | undefined;
  openGroups: readonly string[]; // being resolved right now, to catch a group that includes itself
  resolved: Map<string, NodeSetValue>; // each group is evaluated once
}

function combine(a: PatternSet, operator: Operator, b: PatternSet): PatternSet {
  switch (operator) {
    case ',':
      return unite(a, b);
    case '!':
      return subtract(a, b);
    case '&':
      return intersect(a, b);
    case '^':
      return symmetricDifference(a, b);
  }
}

function applyOperator(
  result: NodeSetValue,
  operator: Operator,
  operand: NodeSetValue,
): NodeSetValue {
  if (operator === '&') {
    const out: NodeSetValue = new Map();
    for (const [key, set] of result) {
      const other = operand.get(key);
      if (other === undefined) {
        continue;
      }
      const common = intersect(set, other);
      if (common.boxes.length > 0) {
        out.set(key, common);
      }
    }
    return out;
  }
  for (const [key, set] of operand) {
    const mine = result.get(key);
    if (mine === undefined) {
      if (operator !== '!') {
        result.set(key, set);
      }
      continue;
    }
    const combined = combine(mine, operator, set);
    if (combined.boxes.length > 0) {
      result.set(key, combined);
    } else {
      result.delete(key);
    }
  }
  return result;
}

function resolveGroup(group: string, offset: number, context: Context): NodeSetValue {
  const done = context.resolved.get(group);
  if (done !== undefined) {
    return done;
  }
  if (context.openGroups.includes(group)) {
    throw new NodeSetProblem(`group @${group} includes itself`, offset);
  }
  const members = context.resolveGroup?.(group);
  if (members === undefined) {
    throw new NodeSetProblem(`unknown group @${group}`, offset);
  }
  const definition = members.filter((member) => member.trim() !== '').join(',');
  let value: NodeSetValue;
  try {
    value = evaluate(definition, { ...context, openGroups: [...context.openGroups, group] });
  } catch (error) {
    if (!(error instanceof NodeSetProblem)) {
      throw error;
    }
    // Offsets inside the definition mean nothing to the caller: point at the "@" instead.
    throw new NodeSetProblem(
      `in group @${group} ("${shorten(definition)}"): ${error.reason}`,
      offset,
    );
  } finally {
    workingAt(offset);
  }
  context.resolved.set(group, value);
  return value;
}

const shorten = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

function copyOf(value: NodeSetValue): NodeSetValue {
  return new Map(value);
}

/** "@web" or "@rack[1-2]" (several groups at once, as ClusterShell allows). */
function resolveGroups(term: string, offset: number, context: Context): NodeSetValue {
  if (term === '@') {
    throw new NodeSetProblem('missing group name after "@"', offset);
  }
  const pattern = expandPattern(term.slice(1), offset + 1);
  const names = new Map([[patternKey(pattern.texts), pattern]]);
  if (sizeOf(names) > BigInt(MAX_NAMES)) {
    throw new NodeSetProblem(`names more than ${MAX_NAMES} groups`, offset);
  }
  let members: NodeSetValue = new Map();
  for (const group of namesOf(names)) {
    members = applyOperator(members, ',', resolveGroup(group, offset, context));
  }
  return members;
}

function evaluate(expr: string, context: Context): NodeSetValue {
  let result: NodeSetValue = new Map();
  for (const { operator, text, offset } of splitOperands(expr)) {
    workingAt(offset);
    const operand = text.startsWith('@')
      ? copyOf(resolveGroups(text, offset, context))
      : single(expandPattern(text, offset));
    result = applyOperator(result, operator, operand);
  }
  return result;
}

function single(set: PatternSet): NodeSetValue {
  return new Map([[patternKey(set.texts), set]]);
}

/** The set `expr` denotes. Throws NodeSetProblem, also when it would cost too much work. */
export function evaluateNodeSet(expr: string, resolveGroup?: GroupResolver): NodeSetValue {
  return withBudget(() => evaluate(expr, { resolveGroup, openGroups: [], resolved: new Map() }));
}
