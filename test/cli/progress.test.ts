// Progress for people in both modes: through a pipe, plain lines stamped with their event's time;
// on a terminal, a live block (log-update) with one row per unit at work that goes when it ends.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ProgressPrinter, clock } from '../../admin/cli/render/progress.js';
import type { DeploymentEvent } from '../../admin/deployment/events.js';
import type { RolloutEvent } from '../../admin/rollout/events.js';
import { briefCommand, eventJsonLine } from '../../admin/cli/render/events.js';
import { wantsColour } from '../../admin/cli/render/colour.js';

class Sink extends Writable {
  text = '';
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += String(chunk);
    cb();
  }
}

const AT = new Date(2026, 11, 2, 14, 3, 7).getTime();
const ev = (event: RolloutEvent, at = AT): DeploymentEvent => ({
  source: 'rollout',
  deployment: 'storm',
  at,
  event,
});
const render = { verbose: false, retry: [], resume: [] };
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what is checked
const ESC = /\u001b\[/;

const batch = ev({
  kind: 'batch-start',
  index: 0,
  total: 2,
  service: 'hub',
  op: 'restart',
  units: ['hub#0@cloud1'],
});
const stepStart = ev({
  kind: 'step-start',
  unit: 'hub#0@cloud1',
  step: 0,
  steps: 2,
  name: 'drain',
  host: 'cloud1',
  command: 'echo disable server',
});
const gateWait = ev({
  kind: 'gate-wait',
  unit: 'hub#0@cloud1',
  expect: 'running',
  need: 3,
  passes: 1,
  durationMs: 2000,
  timeoutMs: 60_000,
  reason: 'port 5000 not listening',
});
const stepEnd = ev({
  kind: 'step-end',
  unit: 'hub#0@cloud1',
  step: 0,
  name: 'drain',
  host: 'cloud1',
  ok: true,
  exitCode: 0,
  durationMs: 1200,
  output: '',
});

test('through a pipe: plain lines, each stamped with its event time, no escapes', () => {
  const out = new Sink(false);
  const p = new ProgressPrinter({ out, render });
  for (const e of [batch, stepStart, stepEnd]) {
    p.onEvent(e);
  }
  p.done();
  assert.doesNotMatch(out.text, ESC);
  const stamp = clock(AT);
  assert.equal(stamp, '14:03:07');
  assert.match(out.text, /^14:03:07 \[1\/2\] restart hub: hub#0@cloud1$/m);
  assert.match(out.text, /^14:03:07 {3}hub#0@cloud1 {2}drain: ok \(1\.2s\)$/m);
  for (const line of out.text.split('\n').filter(Boolean)) {
    assert.match(line, /^14:03:07 /, `unstamped line: ${line}`);
  }
});

test('through a pipe: a gate says what it waits for, for how long', () => {
  const out = new Sink(false);
  const p = new ProgressPrinter({ out, render });
  p.onEvent(gateWait);
  p.done();
  assert.match(
    out.text,
    /gate: waiting for running 3× in a row \(1 so far\), 2\.0s of 60s: port 5000 not listening/,
  );
});

test('on a terminal: a live row per unit at work, gone when its unit is done', async () => {
  const out = new Sink(true);
  const p = await ProgressPrinter.open({ out, render });
  p.onEvent(batch);
  p.onEvent(stepStart);
  const live = out.text;
  assert.match(live, ESC, 'log-update redraws with escapes');
  assert.match(live, /hub#0@cloud1 {2}1\/2 drain {2}/, 'the unit row shows its step');
  assert.doesNotMatch(live, /^\d\d:\d\d:\d\d /m, 'no stamps on a terminal');
  p.onEvent(gateWait);
  assert.match(out.text.slice(live.length), /hub#0@cloud1 {2}gate: waiting for running/);
  const before = out.text.length;
  p.onEvent(ev({ kind: 'unit-done', unit: 'hub#0@cloud1' }));
  p.done();
  assert.doesNotMatch(out.text.slice(before), /drain {2}|gate: waiting/, 'the row is gone');
});

test('timestamps can be asked for on a terminal too', async () => {
  const out = new Sink(true);
  const p = await ProgressPrinter.open({ out, render, timestamps: true });
  p.onEvent(batch);
  p.done();
  assert.match(out.text, /14:03:07.*\[1\/2\] restart hub/);
});

test('--json events: an ISO time each, whole scripts shortened unless asked for in full', () => {
  const script = 'sh -c \'set -e\nkill "$1"\nwait\' salvo 42';
  const e = ev({ ...(stepStart.event as RolloutEvent & { kind: 'step-start' }), command: script });
  const brief = JSON.parse(eventJsonLine(e)) as Record<string, unknown>;
  assert.equal(brief.at, new Date(AT).toISOString());
  assert.equal(brief.source, 'rollout');
  assert.equal(brief.kind, 'step-start');
  assert.equal(brief.command, 'sh -c <script, 3 lines> salvo 42');
  const full = JSON.parse(eventJsonLine(e, { full: true })) as Record<string, unknown>;
  assert.equal(full.command, script);
  assert.equal(briefCommand('uptime'), 'uptime', 'one-line commands stay whole');
});

test('colour: a terminal only, whatever CI says; NO_COLOR and --no-color off; FORCE_COLOR on', () => {
  const argv = ['node', 'salvo'];
  assert.equal(wantsColour({ CI: 'true' }, argv, false), false, 'a CI log through a pipe');
  assert.equal(wantsColour({ TERM: 'xterm' }, argv, true), true);
  assert.equal(wantsColour({ TERM: 'dumb' }, argv, true), false);
  assert.equal(wantsColour({ TERM: 'xterm', NO_COLOR: '' }, argv, true), false);
  assert.equal(wantsColour({ TERM: 'xterm' }, [...argv, '--no-color'], true), false);
  assert.equal(wantsColour({ FORCE_COLOR: '1' }, argv, false), true);
  assert.equal(wantsColour({ FORCE_COLOR: '0', TERM: 'xterm' }, argv, true), false);
});
