// Probe output in sections: a line `--- NAME ARG…` opens a section, the lines after it are its
// body. Scripts print raw evidence this way; parsers read it without caring about order.

export interface Section {
  args: string[]; // words after the name on the header line
  lines: string[];
}

export function parseSections(text: string): Map<string, Section> {
  const out = new Map<string, Section>();
  let current: Section | undefined;
  for (const line of text.split('\n')) {
    const header = /^--- (\S+)(.*)$/.exec(line);
    if (header) {
      current = { args: header[2]!.trim().split(/\s+/).filter(Boolean), lines: [] };
      out.set(header[1]!, current);
    } else if (current) {
      current.lines.push(line);
    }
  }
  for (const s of out.values()) {
    while (s.lines.length > 0 && s.lines.at(-1) === '') {
      s.lines.pop();
    }
  }
  return out;
}

/** The first non-empty line of a section, trimmed ('' when absent). */
export function firstLine(sections: Map<string, Section>, name: string): string {
  return (sections.get(name)?.lines.find((l) => l.trim() !== '') ?? '').trim();
}
