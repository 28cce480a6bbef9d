// Start-up rules that used to live in comments: a command that registers alone (main.ts ALONE)
// loads nothing of the whole command table; command-word.ts knows every global option that takes
// a value; the bundle finds the lab's stand-ins at one known place.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildProgram } from '../../admin/cli/main.js';
import { commandWord, GLOBAL_OPTIONS_WITH_VALUE } from '../../admin/cli/startup/command-word.js';
import { STANDINS, STANDINS_FROM } from '../../admin/lab/client-files.js';
import { moduleGraphs, reachable, ROOT } from '../structure/module-graph.js';

test('a command registered alone (main.ts ALONE) never loads commands/index.js', () => {
  const { all } = moduleGraphs();
  // main.ts's lazy imports: the table, version.js, and the ALONE modules.
  const alone = (all.get('cli/main.ts') ?? []).filter(
    (m) => m.startsWith('cli/commands/') && m !== 'cli/commands/index.ts',
  );
  assert.ok(alone.includes('cli/commands/exec/exec.ts'), `ALONE modules: ${alone.join(', ')}`);
  for (const m of alone) {
    assert.ok(
      !reachable(all, m).has('cli/commands/index.ts'),
      `${m} reaches commands/index.ts (even through import type or import())`,
    );
  }
});

test('command-word.ts skips the value of every global option that takes one, and only those', async () => {
  const program = await buildProgram([]);
  const withValue = program.options
    .filter((o) => o.required || o.optional)
    .flatMap((o) => [o.short, o.long].filter((f): f is string => !!f));
  assert.deepEqual([...withValue].sort(), [...GLOBAL_OPTIONS_WITH_VALUE].sort());
  for (const flag of withValue) {
    assert.equal(commandWord(['node', 'salvo', flag, 'exec', 'status']), 'status');
  }
});

test('the lab stand-ins are at one known place, from the modules and from the bundle', () => {
  const dist = join(ROOT, 'dist');
  assert.equal(STANDINS.dir, join(dist, 'admin', 'lab', 'standins'));
  assert.ok(existsSync(join(STANDINS.dir, 'app.js')));
  const bundle = join(dist, 'cli', 'salvo.cjs');
  const fromBundle = new URL(STANDINS_FROM.bundle, `file://${bundle}`).pathname;
  assert.equal(fromBundle, STANDINS.dir);
  // The bundle was built knowing it is one (bin/bundle.mjs defines __SALVO_BUNDLE__).
  const text = readFileSync(bundle, 'utf8');
  assert.ok(!text.includes('__SALVO_BUNDLE__'), 'bundle built without the __SALVO_BUNDLE__ define');
  assert.ok(text.includes(STANDINS_FROM.bundle));
});
