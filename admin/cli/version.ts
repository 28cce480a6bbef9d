// `salvo --version`: the version in the package.json this CLI was built from, found by walking up
// from the caller's module (dist/cli/ when bundled, dist/admin/cli/ when not). Read only when asked.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `from`: a file of this CLI (the caller's own module, or bin/salvo). */
export function salvoVersion(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'salvo' && pkg.version) {
        return pkg.version;
      }
    }
    if (dirname(dir) === dir) {
      return 'unknown';
    }
  }
}
