// Sizes in bytes as people write them: `8M`, `512K`, `1.5G`, `65536` (K, M, G are powers of 1024;
// `KiB`, `MB`, `k` … are read the same way). One parser for the services file and the CLI.

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
const SIZE = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i;

/** Bytes, or a message saying what was expected. */
export function parseBytes(value: string | number): number | { error: string } {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0
      ? value
      : { error: `expected a whole number of bytes, got ${value}` };
  }
  const m = SIZE.exec(value.trim());
  if (!m) {
    return { error: `expected a size like 8M, 512K or 1G, got "${value}"` };
  }
  const bytes = Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
  return Number.isSafeInteger(bytes) ? bytes : { error: `too large: "${value}"` };
}

/** 8 MiB, 512 KiB, 100 B: for messages. */
export function describeBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size) {
      const n = bytes / size;
      return `${Number.isInteger(n) ? n : n.toFixed(1)} ${unit}`;
    }
  }
  return `${bytes} B`;
}
