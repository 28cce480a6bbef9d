import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  and,
  cmd,
  display,
  MAX_INLINE_INPUT,
  quote,
  Raw,
  Secret,
  toShell,
  withInlineInput,
} from '../../admin/transport/command.js';

test('quote leaves safe words alone and single-quotes everything else', () => {
  assert.equal(quote('cloud3'), 'cloud3');
  assert.equal(quote('/srv/a-b_c.d'), '/srv/a-b_c.d');
  assert.equal(quote(''), "''");
  assert.equal(quote('a b'), "'a b'");
  assert.equal(quote("it's"), `'it'\\''s'`);
  assert.equal(quote('$(reboot)'), "'$(reboot)'");
});

test('a quoted value reaches the shell as one literal word, whatever it holds', () => {
  const nasty = [
    "a'b",
    '$(echo pwned)',
    '`id`',
    'x;y',
    'line1\nline2',
    '*',
    '~',
    '-n',
    '"q"',
    '\\',
    ' lead',
  ];
  for (const value of nasty) {
    const text = toShell(cmd('printf', '%s', value));
    const out = execFileSync('sh', ['-c', text], { encoding: 'utf8' });
    assert.equal(out, value, `round trip of ${JSON.stringify(value)}`);
  }
});

test('secrets are masked in display and JSON but sent on the wire', () => {
  const c = cmd('cqlsh', '-p', new Secret('hunter2-long-secret'));
  assert.equal(display(c), 'cqlsh -p ***');
  assert.equal(toShell(c), 'cqlsh -p hunter2-long-secret');
  assert.ok(!JSON.stringify(c).includes('hunter2'));
  assert.ok(!String(new Secret('x1')).includes('x1'));
});

test('raw parts are shell syntax we wrote; and() joins with &&', () => {
  const c = and(cmd('mkdir', '-p', '/srv/x y'), cmd('echo', new Raw('>'), '/srv/x y/f'));
  assert.equal(toShell(c), "mkdir -p '/srv/x y' && echo > '/srv/x y/f'");
});

test('withInlineInput: the text reaches the command as stdin, unexpanded, in bash and in sh', () => {
  const text = 'a $HOME `id` $(id) \'q\' "d" \\\\ end\nsecond line\n\n';
  const c = withInlineInput(cmd('cat'), text)!;
  for (const sh of ['bash', 'sh']) {
    // As the session and exec paths run it: through eval.
    const out = execFileSync(sh, ['-c', 'eval "$1"', sh, toShell(c)], { encoding: 'utf8' });
    assert.equal(out, text, sh);
  }
  assert.equal(
    execFileSync('sh', ['-c', toShell(withInlineInput(cmd('wc', '-c'), '')!)], {
      encoding: 'utf8',
    }).trim(),
    '0',
  );
});

test('withInlineInput: texts it cannot carry are left to stdin', () => {
  assert.equal(withInlineInput(cmd('cat'), 'no newline at the end'), undefined);
  assert.equal(withInlineInput(cmd('cat'), 'nul\0\n'), undefined);
  assert.equal(withInlineInput(cmd('cat'), `x\nSALVO_INPUT_END\ny\n`), undefined);
  assert.equal(withInlineInput(cmd('cat'), `${'k'.repeat(MAX_INLINE_INPUT)}\n`), undefined);
  // The label stays what people are shown.
  assert.equal(withInlineInput({ ...cmd('cat'), label: 'the script' }, 'x\n')?.label, 'the script');
});
