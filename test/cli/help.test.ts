// Every command's --help ends with examples; bare `salvo` prints help on stdout and exits 0;
// completion offers commands, flags, services and hosts from the services file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { buildProgram } from '../../admin/cli/main.js';
import { completions } from '../../admin/cli/commands/program/completion.js';

const SALVO = fileURLToPath(new URL('../../../bin/salvo', import.meta.url));
const VALID = fileURLToPath(new URL('../../../test/fixtures/services/valid.yaml', import.meta.url));

function helpOf(c: Command): string {
  let text = '';
  c.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  c.outputHelp();
  return text;
}

function walk(c: Command, path: string[] = []): [string, Command][] {
  return c.commands
    .filter((s) => !(s as unknown as { _hidden?: boolean })._hidden)
    .flatMap((s) => [
      [[...path, s.name()].join(' '), s] as [string, Command],
      ...walk(s, [...path, s.name()]),
    ]);
}

test('every command and subcommand: --help ends with examples', async () => {
  const program = await buildProgram([]);
  const missing = walk(program)
    .filter(([, c]) => !/\nExamples:\n( {2}salvo .*\n?)+\s*$/.test(helpOf(c)))
    .map(([name]) => name);
  assert.deepEqual(missing, []);
});

test('bare salvo: help on stdout, exit 0', () => {
  const r = spawnSync(process.execPath, [SALVO], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^Usage: salvo/);
  assert.equal(r.stderr, '');
});

test('completion: commands, flags, services and hosts of the services file', async () => {
  const program = await buildProgram([]);
  assert.deepEqual(await completions(program, ['salvo', 're'], 1), ['restart', 'resume', 'repl']);
  assert.ok(
    (await completions(program, ['salvo', 'restart', 'hub', '--ro'], 3)).includes('--rolling'),
  );
  const hosts = await completions(program, ['salvo', '-s', VALID, 'exec', ''], 4);
  assert.ok(hosts.length > 0 && hosts.some((h) => h.startsWith('@')), hosts.join(' '));
  const services = await completions(program, ['salvo', '-s', VALID, 'restart', ''], 4);
  assert.ok(services.includes('all'), services.join(' '));
  const script = spawnSync(process.execPath, [SALVO, 'completion', 'bash'], { encoding: 'utf8' });
  assert.match(script.stdout, /complete -o default -F _salvo salvo/);
});
