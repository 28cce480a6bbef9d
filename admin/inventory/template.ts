// `{n}` in host attributes: the host's number, so one line can describe cloud[1-21].

const N = /\{n\}/g;

/** The host's number: the last run of digits in its name (`cloud12` → 12, `node01` → 1). */
export function hostNumber(name: string): number | null {
  const m = /(\d+)\D*$/.exec(name);
  return m ? Number.parseInt(m[1]!, 10) : null;
}

export function usesNumber(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{n}');
  if (Array.isArray(value)) return value.some(usesNumber);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(usesNumber);
  return false;
}

/** Replace `{n}` in a string, or in every string inside a list or mapping. */
export function fillNumber<T>(value: T, n: number | null): T {
  if (n === null) return value;
  if (typeof value === 'string') return value.replace(N, String(n)) as T;
  if (Array.isArray(value)) return value.map((v) => fillNumber(v, n)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillNumber(v, n)])) as T;
  }
  return value;
}
