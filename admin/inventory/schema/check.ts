// Stage 2: check the parsed YAML against the schema, section by section, turning zod's issues
// into located, worded ones. A section that fails is left out, and later stages skip what needs it.
import type * as z from 'zod';
import { report, type Ctx } from '../context.js';
import { describeValue, expectedNoun } from './describe.js';
import { didYouMean } from '../rules/did-you-mean.js';
import type { Path } from '../positions.js';
import { OPTIONAL_SECTIONS, SECTIONS, type SectionName, type Written } from './schema.js';
import { SERVICE_KINDS, serviceSchema } from './kinds.js';

/** What the schema stage hands on: the valid sections, and the written services in file order. */
export interface Checked {
  written: Written;
  services: Map<string, Record<string, unknown>>; // valid service entries, in file order
  raw: Record<string, unknown>;
}

export function checkSchema(raw: unknown, ctx: Ctx): Checked | undefined {
  if (!isPlainObject(raw)) {
    if (raw === null || raw === undefined) {
      return checkSchema({}, ctx);
    }
    report(
      ctx,
      [],
      `expected a mapping of sections (deployment, hosts, …), got ${describeValue(raw)}`,
    );
    return undefined;
  }
  reportUnknownKeys(raw, Object.keys(SECTIONS), [], ctx);
  const written: Written = {};
  for (const name of Object.keys(SECTIONS) as SectionName[]) {
    // An optional section left empty (`tinc:` with its lines commented out) is simply absent.
    const value =
      raw[name] === null && name !== 'deployment' && name !== 'hosts' ? undefined : raw[name];
    if (value === undefined && OPTIONAL_SECTIONS.has(name)) {
      continue; // what its schema would say, without building it
    }
    const data = checkValue(SECTIONS[name], value, [name], ctx);
    if (data !== undefined) {
      (written as Record<string, unknown>)[name] = data;
    }
  }
  return { written, services: checkServices(written.services, ctx), raw };
}

/** Services are checked kind by kind, so one bad entry does not hide the others' problems. */
function checkServices(
  services: Record<string, unknown> | undefined,
  ctx: Ctx,
): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  if (!services) {
    return out;
  }
  reportUnknownKeys(services, Object.keys(SERVICE_KINDS), ['services'], ctx);
  for (const [name, entry] of Object.entries(services)) {
    const kind = SERVICE_KINDS[name];
    if (!kind) {
      continue;
    }
    const data = checkValue(serviceSchema(kind), entry, ['services', name], ctx);
    if (data !== undefined) {
      out.set(name, data as Record<string, unknown>);
    }
  }
  return out;
}

/** Parse one value; on failure report every issue under `path` and return undefined. */
function checkValue<S extends z.ZodType>(
  schema: S,
  value: unknown,
  path: Path,
  ctx: Ctx,
): z.output<S> | undefined {
  const allowed = new WeakMap<object, string[]>();
  const result = schema.safeParse(value, {
    reportInput: true,
    error: (iss) => wordIssue(iss, allowed),
  });
  if (result.success) {
    return result.data;
  }
  for (const issue of result.error.issues) {
    reportIssue(issue, path, allowed, ctx);
  }
  return undefined;
}

function reportIssue(
  issue: z.core.$ZodIssue,
  base: Path,
  allowed: WeakMap<object, string[]>,
  ctx: Ctx,
): void {
  const path = [...base, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
  if (issue.code === 'unrecognized_keys') {
    const keys = allowed.get(issue.input as object) ?? [];
    for (const key of issue.keys) {
      reportUnknownKey(key, keys, path, ctx);
    }
  } else if (issue.code === 'invalid_type' && issue.input === undefined) {
    report(ctx, path.slice(0, -1), `missing required key \`${String(path.at(-1))}\``, 'key');
  } else {
    report(ctx, path, issue.message);
  }
}

function reportUnknownKeys(
  obj: Record<string, unknown>,
  known: string[],
  path: Path,
  ctx: Ctx,
): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      reportUnknownKey(key, known, [...path], ctx);
    }
  }
}

function reportUnknownKey(key: string, known: string[], parent: Path, ctx: Ctx): void {
  const hint =
    didYouMean(key, known) || (known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '');
  report(ctx, [...parent, key], `unknown key${hint}`, 'key');
}

/** zod's issues, reworded: `expected a number, got string "abc"`. Schema-level errors win over these. */
function wordIssue(
  iss: z.core.$ZodRawIssue,
  allowed: WeakMap<object, string[]>,
): string | undefined {
  switch (iss.code) {
    case 'invalid_type':
      return `expected ${expectedNoun(iss.expected)}, got ${describeValue(iss.input)}`;
    case 'too_small':
      if (iss.origin === 'string') {
        return 'must not be empty';
      }
      if (iss.origin === 'array') {
        return 'must not be an empty list';
      }
      return `expected ${iss.inclusive ? 'at least' : 'more than'} ${String(iss.minimum)}, got ${describeValue(iss.input)}`;
    case 'too_big':
      return `expected ${iss.inclusive ? 'at most' : 'less than'} ${String(iss.maximum)}, got ${describeValue(iss.input)}`;
    case 'invalid_value': {
      const values = iss.values.map(String);
      const hint = typeof iss.input === 'string' ? didYouMean(iss.input, values) : '';
      return `expected ${alternatives(values)}, got ${describeValue(iss.input)}${hint}`;
    }
    case 'unrecognized_keys':
      allowed.set(iss.input as object, Object.keys(shapeOf(iss.inst)));
      return 'unknown key';
    default:
      return undefined;
  }
}

/** "on, no-new or off" */
function alternatives(values: string[]): string {
  return values.length < 2
    ? values.join('')
    : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
}

function shapeOf(inst: unknown): Record<string, unknown> {
  return (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } })?._zod?.def?.shape ?? {};
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
