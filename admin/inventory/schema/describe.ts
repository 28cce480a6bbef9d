// Words for values and expectations in error messages: `expected a number, got string "abc"`.

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** "a whole number" for zod's `int`, "a mapping" for `object`. */
export function expectedNoun(expected: string): string {
  return NOUNS[expected] ?? expected;
}

/** How a value from the YAML file reads in a message: `string "abc"`, `number 5`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) {
    return 'nothing';
  }
  if (typeof value === 'string') {
    return `string ${JSON.stringify(clip(value))}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) {
    return `a list ${clip(JSON.stringify(value))}`;
  }
  return 'a mapping';
}

/** A schema error function that says what was expected and what was found. */
export function expecting(what: string): (issue: { input?: unknown }) => string {
  return (issue) => `expected ${what}, got ${describeValue(issue.input)}`;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
