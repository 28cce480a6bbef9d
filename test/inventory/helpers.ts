// Shared by the services-file tests: run the loader on inline YAML and get its issues as the
// exact lines the operator would see.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../admin/errors.js';
import { parseInventory } from '../../admin/inventory/parse.js';
import type { Inventory } from '../../admin/inventory/types.js';

export const FILE = 'services.yaml';

/** A home without ~/.ssh/config, so no test depends on the machine it runs on. */
export const HOME = '/nonexistent-home';

/** Fixture files live in the source tree; tests run from dist*, two levels down like here. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../../test/fixtures/services/${name}`, import.meta.url));
}

/** Inline YAML written indented in a test: drop the first newline and the common indent. */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const indent = Math.min(
    ...text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => /^ */.exec(l)![0].length),
  );
  return text
    .split('\n')
    .map((l) => l.slice(indent))
    .join('\n');
}

export function load(text: string): Inventory {
  return parseInventory(text, FILE, { home: HOME });
}

/** The ConfigError's lines (`services.yaml:3:5: …`); fails the test if the text is valid. */
export function issues(text: string): string[] {
  return issuesOf(() => load(text));
}

export function issuesOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message.split('\n');
  }
  return assert.fail('expected a ConfigError');
}

/** The smallest valid file, to add one mistake to. */
export const MINIMAL = yaml`
  deployment: t
  hosts:
    cloud[1-3]: {}
`;
