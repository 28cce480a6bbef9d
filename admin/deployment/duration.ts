// Durations as an operator types them: `30` (seconds), `500ms`, `30s`, `2m`, `1h`. The CLI's
// flags and the library's options (`timeout: '2m'`) share this one parser.
import { UsageError } from '../errors.js';
import { MAX_DURATION_MS, durationLimitText } from '../inventory/schema/limits.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) {
    throw new UsageError(`${flag}: expected a duration like 30s, 500ms or 2m, got "${text}"`);
  }
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's']!;
  if (ms <= 0) {
    throw new UsageError(`${flag}: must be greater than zero`);
  }
  if (ms > MAX_DURATION_MS) {
    throw new UsageError(`${flag}: ${durationLimitText}, got "${text}"`);
  }
  return Math.round(ms);
}

/** A library option: a number is milliseconds, a string is parsed as above. */
export function durationMs(value: number | string | undefined, name: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (typeof value === 'number') {
    if (!(value > 0)) {
      throw new UsageError(`${name}: must be greater than zero, got ${value}`);
    }
    if (value > MAX_DURATION_MS) {
      throw new UsageError(`${name}: ${durationLimitText}, got ${value} ms`);
    }
    return value;
  }
  return parseDuration(value, name);
}
