// `{n}` in host attributes: the host's number, so one line can describe cloud[1-21].

const N = /\{n\}/g;

/** The host's number: the last run of digits in its name (`cloud12` → 12, `node01` → 1). */
export function hostNumber(name: string): number | null {
  const m = /(\d+)\D*$/.exec(name);
  return m ? Number.parseInt(m[1]!, 10) : null;
}

/** The paths (within `value`) of every string that uses `{n}`: [['address'], ['vars', 'url']]. */
export function numberPaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (typeof value === 'string') {
    return value.includes('{n}') ? [path] : [];
  }
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => numberPaths(v, [...path, i]));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => numberPaths(v, [...path, k]));
  }
  return [];
}

/** Does any string in `value` (a string, list or mapping) use `{n}`? */
export function usesNumber(value: unknown): boolean {
  if (typeof value === 'string') {
    return value.includes('{n}');
  }
  if (typeof value === 'object' && value !== null) {
    for (const v of Array.isArray(value) ? value : Object.values(value)) {
      if (usesNumber(v)) {
        return true;
      }
    }
  }
  return false;
}

/**
 * Replace `{n}` in a string, or in every string inside a list or mapping. Without `{n}` anywhere
 * the value itself comes back (not a copy): a long hosts list is mostly plain addresses.
 */
export function fillNumber<T>(value: T, n: number | null): T {
  return n === null || !usesNumber(value) ? value : fill(value, n);
}

function fill<T>(value: T, n: number): T {
  if (typeof value === 'string') {
    return value.replace(N, String(n)) as T;
  }
  if (Array.isArray(value)) {
    return value.map((v) => fill(v, n)) as T;
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, n)])) as T;
  }
  return value;
}
