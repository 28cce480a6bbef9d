// The schema documents itself: every key has a description, and docs/services-file.md names it.
// And what the schema stage assumes of the sections it skips holds.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import type { z } from 'zod';
import { SERVICE_KINDS, serviceSchema } from '../../admin/inventory/schema/kinds.js';
import {
  backupSchema,
  hostSchema,
  OPTIONAL_SECTIONS,
  SECTIONS,
  sshSchema,
  tincSchema,
} from '../../admin/inventory/schema/schema.js';
import { monitorSchemas } from '../../admin/inventory/schema/monitor.js';
import { fixture } from './helpers.js';

const docs = await readFile(fixture('../../../docs/services-file.md'), 'utf8');

/** [name, schema] for each key of an object schema (unwrapping nullable). */
function keys(schema: z.ZodType): [string, z.ZodType][] {
  const inner =
    'unwrap' in schema && typeof schema.unwrap === 'function'
      ? (schema.unwrap() as z.ZodType)
      : schema;
  return Object.entries((inner as z.ZodObject).shape);
}

const { alertsSchema, monitorSchema, progressSchema, resourcesSchema } = monitorSchemas();

const OBJECTS: Record<string, z.ZodType> = {
  ssh: sshSchema,
  hosts: hostSchema,
  tinc: tincSchema,
  backup: backupSchema,
  monitor: monitorSchema,
  'monitor.progress': progressSchema,
  'monitor.resources': resourcesSchema,
  'monitor.alerts': alertsSchema,
  ...Object.fromEntries(
    Object.entries(SERVICE_KINDS).map(([kind, k]) => [`services.${kind}`, serviceSchema(k)]),
  ),
};

test('every key of every section has a description', () => {
  for (const [where, schema] of Object.entries(OBJECTS)) {
    for (const [key, value] of keys(schema)) {
      assert.ok(value.description, `${where}.${key} has no description`);
    }
  }
});

test('docs/services-file.md names every section, key and service kind', () => {
  const names = [
    ...Object.keys(SECTIONS),
    ...Object.keys(SERVICE_KINDS),
    ...Object.values(OBJECTS).flatMap((schema) => keys(schema).map(([key]) => key)),
  ];
  for (const name of new Set(names)) {
    assert.ok(docs.includes(`\`${name}\``), `docs/services-file.md does not mention \`${name}\``);
  }
});

test('an optional section accepts its absence as absence: the schema stage skips it unbuilt', () => {
  for (const name of Object.keys(SECTIONS) as (keyof typeof SECTIONS)[]) {
    const result = SECTIONS[name].safeParse(undefined);
    const absent = result.success && result.data === undefined;
    assert.equal(OPTIONAL_SECTIONS.has(name), absent, `${name}: OPTIONAL_SECTIONS disagrees`);
  }
});
