// `salvo diff` for people: what start would start, what runs outside the services file, what
// runs another version than the file says; units folded into node sets per (change, service).
import { foldNodeSet } from '../../../inventory/nodeset.js';
import type { DriftItem } from '../../../services/drift.js';
import { quote } from '../../../transport/command.js';
import { foldInstances } from './fold-units.js';

interface Line {
  sign: string;
  what: string;
  units: { instance: number; host: string }[];
  note: string;
  hint?: (hosts: string) => string;
}

type One = Omit<Line, 'units'> & { instance: number; host: string };

/** A command to paste: every word shell-quoted (node sets glob in bash; versions are data). */
const paste = (argv: string[]): string => argv.map(quote).join(' ');

function lineOf(item: DriftItem, salvo: string[]): One {
  switch (item.type) {
    case 'missing':
      return {
        sign: '+',
        what: item.unit.service,
        instance: item.unit.instance,
        host: item.unit.host,
        note: `not running${item.version ? ` (file: ${item.version})` : ''}`,
        hint: (h) => paste([...salvo, 'start', item.unit.service, '-H', h]),
      };
    case 'version':
      return {
        sign: '~',
        what: item.unit.service,
        instance: item.unit.instance,
        host: item.unit.host,
        note: `runs ${item.running}, file says ${item.wanted}`,
        hint: (h) =>
          paste([...salvo, 'upgrade', item.unit.service, '--version', item.wanted, '-H', h]),
      };
    case 'extra':
      return {
        sign: '-',
        what: item.service,
        instance: item.instance,
        host: item.host,
        note: `runs${item.version ? ` ${item.version}` : ''} but the services file does not list it here`,
      };
    case 'unknown':
      return {
        sign: '?',
        what: '',
        instance: 0,
        host: item.host,
        note: `could not look: ${item.reason}`,
      };
  }
}

/** `salvo` is the argv that starts the hints (`['salvo', '-s', FILE]` for another file). */
export function renderDiff(items: DriftItem[], salvo: string[] = ['salvo']): string {
  if (items.length === 0) {
    return 'no drift: every unit of the services file runs, at its version, and nothing else does\n';
  }
  const lines = new Map<string, Line>();
  for (const item of items) {
    const { host, instance, ...l } = lineOf(item, salvo);
    const key = JSON.stringify([l.sign, l.what, l.note]);
    const found = lines.get(key);
    if (found) {
      found.units.push({ instance, host });
    } else {
      lines.set(key, { ...l, units: [{ instance, host }] });
    }
  }
  const order = ['+', '~', '-', '?'];
  const sorted = [...lines.values()].sort((a, b) => order.indexOf(a.sign) - order.indexOf(b.sign));
  const body = sorted
    .map((l) => {
      const hosts = foldNodeSet(l.units.map((u) => u.host));
      const what = l.what ? foldInstances(l.what, l.units) : hosts;
      return `${l.sign} ${what}: ${l.note}${l.hint ? `  → ${l.hint(hosts)}` : ''}\n`;
    })
    .join('');
  const count = (t: DriftItem['type']): number => items.filter((i) => i.type === t).length;
  const summary =
    `${count('missing')} to start, ${count('version')} on another version, ${count('extra')} outside the services file` +
    (count('unknown') ? `, ${count('unknown')} hosts not looked at` : '');
  return `${body}${summary}\n`;
}

export function driftExitCode(items: DriftItem[]): number {
  if (items.some((i) => i.type === 'unknown')) {
    return 3;
  }
  return items.length > 0 ? 1 : 0;
}
