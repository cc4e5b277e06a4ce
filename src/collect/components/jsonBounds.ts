/**
 * @module collect/components/jsonBounds
 * JSON.parse runs to the end without yielding: a 1 MiB body nested 500,000
 * deep, or holding 80,000 keys, blocks the event loop for tens of
 * milliseconds before any check sees it. This scan reads the raw text once
 * (strings skipped with indexOf) and refuses a body whose nesting, members per
 * object or values overall exceed what a payload can use, naming the top-level
 * field where the limit was passed.
 */

export interface JsonBounds {
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Most members of one object. */
  readonly maxObjectMembers: number;
  /** Most values overall (array elements and object members, counted by their separators and openers). */
  readonly maxValues: number;
}

export interface JsonBoundsProblem {
  /** The top-level key under which the limit was passed, or `(body)`. */
  readonly field: string;
  readonly limit: 'depth' | 'members' | 'values';
  /** What was found, in words (the value itself was not parsed). */
  readonly found: string;
  readonly expected: string;
}

const QUOTE = 34;
const BACKSLASH = 92;

/** The first bound `text` passes, or undefined. Linear in the text; allocates only a stack of `maxDepth` counters. */
export function checkJsonBounds(text: string, b: JsonBounds): JsonBoundsProblem | undefined {
  const members: number[] = [0];
  const isObject: boolean[] = [false];
  let depth = 0;
  let values = 0;
  let keyStart = -1;
  let keyEnd = -1;
  let field = '(body)';
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = closingQuote(text, i + 1);
      if (depth === 1 && isObject[1] === true) {
        keyStart = i + 1;
        keyEnd = end;
      }
      i = end;
      continue;
    }
    switch (c) {
      case 123: // {
      case 91: // [
        if (++depth > b.maxDepth) return { field, limit: 'depth', found: `JSON nested deeper than ${b.maxDepth}`, expected: `JSON nested at most ${b.maxDepth} deep` };
        members[depth] = 0;
        isObject[depth] = c === 123;
        if (++values > b.maxValues) return { field, limit: 'values', found: `more than ${b.maxValues} JSON values`, expected: `at most ${b.maxValues} JSON values in a body` };
        break;
      case 125: // }
      case 93: // ]
        if (depth > 0) depth--;
        if (depth === 0) field = '(body)';
        break;
      case 58: // : ends a key; at depth 1 it names the member that follows
        if (depth === 1 && keyStart >= 0) field = text.slice(keyStart, Math.min(keyEnd, keyStart + 100));
        break;
      case 44: // ,
        if (depth === 1) field = '(body)';
        if (++values > b.maxValues) return { field, limit: 'values', found: `more than ${b.maxValues} JSON values`, expected: `at most ${b.maxValues} JSON values in a body` };
        if (isObject[depth] === true && ++members[depth]! >= b.maxObjectMembers) {
          return { field, limit: 'members', found: `an object of more than ${b.maxObjectMembers} members`, expected: `at most ${b.maxObjectMembers} members in one JSON object` };
        }
        break;
      default:
        break;
    }
  }
  return undefined;
}

/** Index of the quote that closes a string opened before `from` (an unclosed string runs to the end). */
function closingQuote(text: string, from: number): number {
  let j = text.indexOf('"', from);
  while (j !== -1) {
    let k = j - 1;
    while (k >= from && text.charCodeAt(k) === BACKSLASH) k--;
    if ((j - 1 - k) % 2 === 0) return j; // an even run of backslashes escapes only itself
    j = text.indexOf('"', j + 1);
  }
  return text.length;
}
