// Colour for people through picocolors, which turns itself off for NO_COLOR, `--no-color`, a
// dumb terminal or output that is not a terminal (FORCE_COLOR turns it on).
import pc from 'picocolors';

export const paint = {
  ok: (s: string): string => pc.green(s),
  bad: (s: string): string => pc.red(s),
  warn: (s: string): string => pc.yellow(s),
  dim: (s: string): string => pc.dim(s),
  bold: (s: string): string => pc.bold(s),
  on: (): boolean => pc.isColorSupported,
};
