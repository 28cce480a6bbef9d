// `salvo hosts trust` output: one line per host with its fingerprint and what happened.
import type { TrustResult } from '../../../transport/hostkeys/index.js';

const VERB: Record<TrustResult['outcome'], string> = {
  added: 'added',
  'already-known': 'already known',
  replaced: 'REPLACED',
  'changed-refused': 'REFUSED (key changed)',
  revoked: 'REFUSED (revoked)',
  unreachable: 'unreachable',
};

export function renderTrust(results: TrustResult[], file: string): string {
  const width = Math.max(4, ...results.map((r) => r.host.length));
  const lines = results.map((r) => {
    const key = r.fingerprint ? `${r.type} ${r.fingerprint}` : '';
    const note = r.message ? `\n    ${r.message}` : '';
    return `${r.host.padEnd(width)}  ${VERB[r.outcome].padEnd(21)} ${key}${note}`;
  });
  const added = results.filter((r) => r.outcome === 'added' || r.outcome === 'replaced').length;
  return `${lines.join('\n')}\n${added} key(s) written to ${file}\n`;
}
