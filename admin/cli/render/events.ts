// `--json` events: one line each, stamped with an ISO time, tagged with their source. Whole
// scripts are shortened (`<script, N lines>`) unless --full / -vv asks for them.
import type { DeploymentEvent } from '../../deployment/events.js';

export interface EventJsonOptions {
  full: boolean;
}

/** A multi-line argument (a script) becomes a note of its length. */
export function briefCommand(command: string): string {
  if (!command.includes('\n')) {
    return command;
  }
  // Quoted multi-line arguments: 'line1\nline2…'
  return command.replace(
    /'(?:[^']|'\\'')*\n(?:[^']|'\\'')*'/g,
    (m) => `<script, ${m.split('\n').length} lines>`,
  );
}

function shorten(key: string, value: unknown, full: boolean): unknown {
  if (full) {
    return value;
  }
  if (key === 'command' && typeof value === 'string') {
    return briefCommand(value);
  }
  // A plan's steps carry both; `brief` is the short one.
  if (value && typeof value === 'object' && 'brief' in value && 'command' in value) {
    const { command: _c, ...rest } = value as Record<string, unknown>;
    return rest;
  }
  return value;
}

export function eventJsonLine(e: DeploymentEvent, o: EventJsonOptions = { full: false }): string {
  const line = {
    at: new Date(e.at).toISOString(),
    source: e.source,
    deployment: e.deployment,
    ...e.event,
  };
  return `${JSON.stringify(line, (k, v) => shorten(k, v, o.full))}\n`;
}
