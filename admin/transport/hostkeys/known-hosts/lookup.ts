// Which known_hosts lines name a host string, answered without scanning every line every time.
// A fan-out checks N hosts against a file of about N lines (twice per host: the key types to
// prefer, then the presented key), so a plain scan is quadratic: at 200 hosts ~300,000 pattern
// matches, or ~160,000 HMACs when the file is hashed. Lines whose patterns are plain names go
// into a map; hashed lines and lines with wildcards or negations are still tried one by one, but
// each host string's answer is remembered, so no HMAC is computed twice.
import { matchHashedHost, matchPatternList } from '../../ssh-config/index.js';
import type { KnownHostsKey } from './parse.js';

export class KnownHostsIndex {
  /** Lines all of whose patterns are literal positive names, by lowercased name. */
  private readonly byName = new Map<string, number[]>();
  /** Hashed lines, and pattern lines with `*`, `?` or `!`: matched one by one. */
  private readonly scanned: number[] = [];
  private readonly answers = new Map<string, number[]>();

  constructor(private readonly keys: readonly KnownHostsKey[]) {
    keys.forEach((entry, i) => {
      if (entry.hosts.kind === 'hashed' || entry.hosts.patterns.some((p) => /[*?!]/.test(p))) {
        this.scanned.push(i);
        return;
      }
      for (const name of new Set(entry.hosts.patterns.map((p) => p.toLowerCase()))) {
        const list = this.byName.get(name);
        if (list) {
          list.push(i);
        } else {
          this.byName.set(name, [i]);
        }
      }
    });
  }

  /** The lines naming any of `hostStrings` (`name` or `[name]:port`), once each, in file order. */
  matching(...hostStrings: string[]): KnownHostsKey[] {
    const hits = new Set(hostStrings.flatMap((h) => this.lineNumbers(h)));
    return [...hits].sort((a, b) => a - b).map((i) => this.keys[i]!);
  }

  private lineNumbers(hostString: string): number[] {
    let answer = this.answers.get(hostString);
    if (!answer) {
      const scanned = this.scanned.filter((i) => scannedMatch(this.keys[i]!, hostString));
      answer = [...(this.byName.get(hostString.toLowerCase()) ?? []), ...scanned];
      this.answers.set(hostString, answer);
    }
    return answer;
  }
}

function scannedMatch(entry: KnownHostsKey, hostString: string): boolean {
  return entry.hosts.kind === 'hashed'
    ? matchHashedHost(hostString, entry.hosts.hashed)
    : matchPatternList(hostString, entry.hosts.patterns);
}
