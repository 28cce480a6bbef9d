// Recorded real outputs (lab hosts, haproxy 2.6, procps-ng 4) live in the source tree.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function recorded(name: string): string {
  return readFileSync(
    fileURLToPath(new URL(`../../../test/probes/fixtures/${name}`, import.meta.url)),
    'utf8',
  );
}
