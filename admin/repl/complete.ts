// Tab completion inside a quoted argument: host names, @groups, services and `all` of every open
// deployment (`storm.exec('clo⇥` → cloud1 cloud2 …). Outside quotes Node's own completer does
// deployments, methods and properties. Pure: tested without a terminal.

export interface Vocabulary {
  hosts: string[];
  groups: string[];
  services: string[];
}

/** The words to offer for `line` (cursor at its end), and the part they replace; undefined when
 * the cursor is not inside a string. */
export function completeInString(line: string, vocab: Vocabulary): [string[], string] | undefined {
  const open = openQuote(line);
  if (open === undefined) {
    return undefined;
  }
  // Inside a node set the word restarts after a separator: `cloud[1-3],sto⇥`, `@web!clo⇥`.
  const text = line.slice(open + 1);
  const word = /[^,!&^\s]*$/.exec(text)![0];
  const words = [...vocab.hosts, ...vocab.groups.map((g) => `@${g}`), ...vocab.services, 'all'];
  const hits = [...new Set(words.filter((w) => w.startsWith(word)))].sort(byNumber);
  return [hits, word];
}

/** Index of the quote that opens the string the line ends in, if it ends inside one. */
function openQuote(line: string): number | undefined {
  let quote: string | undefined;
  let at = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\') {
        i++;
      } else if (c === quote) {
        quote = undefined;
      }
    } else if (c === "'" || c === '"' || c === '`') {
      quote = c;
      at = i;
    }
  }
  return quote ? at : undefined;
}

/** cloud2 before cloud10. */
function byNumber(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
