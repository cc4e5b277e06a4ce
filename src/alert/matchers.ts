/**
 * @module alert/matchers
 * Label matchers as Alertmanager writes them (pkg/labels/parse.go, amtool):
 * `name="value"`, `name!="value"`, `name=~"regex"`, `name!~"regex"`, alone or
 * as a list `{a="b", c=~"d.*"}`; values quoted (with `\"`, `\\`, `\n`) or bare.
 * Regexes are anchored at both ends, as Alertmanager anchors them.
 *
 * A matcher can come from an HTTP request, so a regex must be cheap to run
 * whatever it is: it is refused unless it keeps to what RE2 (Alertmanager's
 * engine) accepts and V8's backtracking runs in bounded time — no back
 * references, no lookaround, no quantified group that itself holds a
 * quantifier or an alternation (`(a+)+`, `(a|aa)*`), repeat counts up to 1000
 * (RE2's limit). What is left backtracks at worst over every way to split the
 * value between its quantifiers: the product of their choices (`*` counted as
 * a 1 KiB value's length, `{m,n}` as n − m + 1) must stay under MAX_SPLITS, so
 * `.*foo.*` passes and `.*.*.*` does not (measured: two `.*` over a 1 KiB
 * value fail in under 1 ms, three in ~280 ms).
 */
import { EchoPerfError } from '../core/errors.js';
import { truncateText } from '../core/preview.js';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** Alertmanager API v2's matcher shape, plus the operator and the compiled test. */
export interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

export const MAX_MATCHERS = 32;
/** Characters of one matcher's text (name, operator and value). */
export const MAX_MATCHER_CHARS = 1024;
/** Ways a regex may split a value among its quantifiers, at most (see the module comment). */
export const MAX_SPLITS = 2 ** 20;
/** Choices an unbounded quantifier is counted as: a label value of 1 KiB. */
const UNBOUNDED_CHOICES = 1024;
/** RE2's largest repeat count. */
const MAX_REPEAT = 1000;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function bad(field: string, value: string, expected: string): EchoPerfError {
  const shown = JSON.stringify(truncateText(value));
  return new EchoPerfError('EP_ERR_ARGUMENT', `${field}: got ${shown}; expected ${expected}`, { details: [{ path: field, value: truncateText(value), expected }] });
}

export function operatorOf(m: Pick<Matcher, 'isRegex' | 'isEqual'>): MatchType {
  return m.isRegex ? (m.isEqual ? '=~' : '!~') : m.isEqual ? '=' : '!=';
}

/** `name="value"` with the value quoted and escaped as Alertmanager prints it. */
export function formatMatcher(m: Matcher): string {
  return `${m.name}${operatorOf(m)}${JSON.stringify(m.value)}`;
}

const compiled = new WeakMap<Matcher, RegExp>();

/** Whether `value` satisfies `m`; a missing label is the empty string (Alertmanager's rule). */
export function matches(m: Matcher, value: string | undefined): boolean {
  const v = value ?? '';
  if (!m.isRegex) return (v === m.value) === m.isEqual;
  let re = compiled.get(m);
  if (re === undefined) compiled.set(m, (re = compileRegex(m.value, m.name)));
  return re.test(v) === m.isEqual;
}

/** Whether every matcher matches the label set. */
export function matchesAll(ms: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  for (const m of ms) if (!matches(m, Object.hasOwn(labels, m.name) ? labels[m.name] : undefined)) return false;
  return true;
}

/**
 * A matcher from its parts (the API's `{name, value, isRegex, isEqual}`), checked.
 * @example makeMatcher('engine', 'vllm-.*', true, true) // engine=~"vllm-.*"
 */
export function makeMatcher(name: string, value: string, isRegex: boolean, isEqual: boolean, field = 'matcher'): Matcher {
  if (typeof name !== 'string' || !NAME.test(name) || name.length > 256) throw bad(`${field}.name`, String(name), 'a label name ([A-Za-z_][A-Za-z0-9_]*, at most 256 characters)');
  if (typeof value !== 'string') throw bad(`${field}.value`, String(value), 'a string');
  if (name.length + value.length + 3 > MAX_MATCHER_CHARS) throw bad(field, `${name}=${value}`, `a matcher of at most ${MAX_MATCHER_CHARS} characters`);
  if (typeof isRegex !== 'boolean') throw bad(`${field}.isRegex`, String(isRegex), 'true or false');
  if (typeof isEqual !== 'boolean') throw bad(`${field}.isEqual`, String(isEqual), 'true or false');
  const m: Matcher = Object.freeze({ name, value, isRegex, isEqual });
  if (isRegex) compiled.set(m, compileRegex(value, field));
  return m;
}

/**
 * Matchers from text: one string holding a matcher or a `{…}` list, or
 * several strings as amtool takes them (`alertname=Foo 'engine=~"v.*"'`).
 * Throws EP_ERR_ARGUMENT naming the matcher, the position and what was expected.
 */
export function parseMatchers(input: string | readonly string[]): Matcher[] {
  const parts = typeof input === 'string' ? [input] : input;
  if (!Array.isArray(parts) && typeof input !== 'string') throw bad('matchers', String(input), 'a string or a list of strings');
  const out: Matcher[] = [];
  for (let i = 0; i < parts.length; i++) {
    const field = parts.length === 1 ? 'matchers' : `matchers[${i}]`;
    const text: unknown = parts[i];
    if (typeof text !== 'string') throw bad(field, String(text), 'a matcher string such as alertname="HighCpuUsage"');
    if (text.length > MAX_MATCHERS * MAX_MATCHER_CHARS) throw bad(field, text, `at most ${MAX_MATCHERS * MAX_MATCHER_CHARS} characters`);
    for (const m of new Parser(text, field).list()) {
      if (out.length >= MAX_MATCHERS) throw bad('matchers', `${MAX_MATCHERS + 1} or more matchers`, `at most ${MAX_MATCHERS}`);
      out.push(m);
    }
  }
  if (out.length === 0) throw bad('matchers', typeof input === 'string' ? input : input.join(' '), 'at least one matcher');
  return out;
}

class Parser {
  private _i = 0;
  constructor(
    private readonly _s: string,
    private readonly _field: string,
  ) {}

  list(): Matcher[] {
    this._ws();
    const braced = this._s[this._i] === '{';
    if (braced) this._i++;
    const out: Matcher[] = [];
    for (;;) {
      this._ws();
      if (braced && this._s[this._i] === '}') break;
      if (this._i >= this._s.length) break;
      if (out.length >= MAX_MATCHERS) this._fail(`at most ${MAX_MATCHERS} matchers`);
      out.push(this._matcher(out.length));
      this._ws();
      if (this._s[this._i] === ',') {
        this._i++;
        continue;
      }
      if (braced && this._s[this._i] !== '}') this._fail('"," or "}" after a matcher');
      if (!braced && this._i < this._s.length) this._fail('"," between matchers');
    }
    if (braced) {
      if (this._s[this._i] !== '}') this._fail('"}" closing the list');
      this._i++;
      this._ws();
      if (this._i < this._s.length) this._fail('nothing after "}"');
    }
    return out;
  }

  private _matcher(n: number): Matcher {
    const start = this._i;
    while (this._i < this._s.length && /[A-Za-z0-9_]/.test(this._s[this._i]!)) this._i++;
    const name = this._s.slice(start, this._i);
    if (!NAME.test(name)) this._fail('a label name ([A-Za-z_][A-Za-z0-9_]*)', start);
    this._ws();
    const op = this._op();
    this._ws();
    const value = this._s[this._i] === '"' ? this._quoted() : this._bare();
    if (this._i - start > MAX_MATCHER_CHARS) this._fail(`a matcher of at most ${MAX_MATCHER_CHARS} characters`, start);
    const field = `${this._field} (matcher ${n + 1}, ${name})`;
    return makeMatcher(name, value, op === '=~' || op === '!~', op === '=' || op === '=~', field);
  }

  private _op(): MatchType {
    const two = this._s.slice(this._i, this._i + 2);
    if (two === '=~' || two === '!=' || two === '!~') {
      this._i += 2;
      return two;
    }
    if (this._s[this._i] === '=') {
      this._i++;
      return '=';
    }
    return this._fail('an operator: =, !=, =~ or !~');
  }

  private _quoted(): string {
    const open = this._i++;
    let out = '';
    while (this._i < this._s.length) {
      const c = this._s[this._i++]!;
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this._s[this._i++];
      if (e === 'n') out += '\n';
      else if (e === '"' || e === '\\') out += e;
      // A regex escape such as \d or \. keeps its backslash, as Go's strconv would refuse it but amtool users write it.
      else if (e !== undefined) out += `\\${e}`;
    }
    return this._fail('a closing quote for the value opened', open);
  }

  private _bare(): string {
    const start = this._i;
    while (this._i < this._s.length && !/[,}"\s]/.test(this._s[this._i]!)) this._i++;
    return this._s.slice(start, this._i);
  }

  private _ws(): void {
    while (this._i < this._s.length && /\s/.test(this._s[this._i]!)) this._i++;
  }

  private _fail(expected: string, at = this._i): never {
    const near = this._s.slice(at, at + 20);
    throw new EchoPerfError(
      'EP_ERR_ARGUMENT',
      `${this._field}: at position ${at + 1} of ${JSON.stringify(truncateText(this._s))}${near === '' ? ' (the end)' : ` (at ${JSON.stringify(near)})`}: expected ${expected}`,
      { details: [{ path: this._field, value: truncateText(this._s), position: at + 1, expected }] },
    );
  }
}

/**
 * Compiles an anchored regex after checking that it runs in bounded time (see
 * the module comment). Throws EP_ERR_ARGUMENT naming the field and the reason.
 */
export function compileRegex(src: string, field = 'regex'): RegExp {
  const refuse = (why: string): never => {
    throw bad(field, src, `a regular expression ${why}`);
  };
  if (src.length > MAX_MATCHER_CHARS) refuse(`of at most ${MAX_MATCHER_CHARS} characters`);
  // Per open group: whether it holds a quantifier or an alternation (what makes quantifying it explosive).
  const groups: { risky: boolean }[] = [];
  let splits = 1;
  let lastAtom: 'group-risky' | 'group' | 'atom' | 'none' = 'none';
  // Where a class opens with `]`: RE2 reads it as a literal (Go's regexp/syntax, parseClass: "']' is
  // okay as first char in class"; `[]a]` is `]` or `a`), V8 as an
  // empty class followed by `a]`. Escaped there, V8 matches what Alertmanager matches.
  const literalBrackets: number[] = [];
  const markRisky = (): void => {
    for (const g of groups) g.risky = true;
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const e = src[i + 1];
      if (e !== undefined && /[1-9k]/.test(e)) refuse('without back references');
      i++;
      lastAtom = 'atom';
      continue;
    }
    if (c === '[') {
      // A class is one atom; quantifier characters inside it are literals.
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') literalBrackets.push(j++);
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      i = j;
      lastAtom = 'atom';
      continue;
    }
    if (c === '(') {
      if (src[i + 1] === '?') {
        const kind = src.slice(i + 2, i + 4);
        if (kind.startsWith('=') || kind.startsWith('!') || kind === '<=' || kind === '<!') refuse('without lookahead or lookbehind');
      }
      if (groups.length >= 32) refuse('with at most 32 nested groups');
      groups.push({ risky: false });
      lastAtom = 'none';
      continue;
    }
    if (c === ')') {
      const g = groups.pop();
      lastAtom = g?.risky === true ? 'group-risky' : 'group';
      continue;
    }
    if (c === '|') {
      markRisky();
      lastAtom = 'none';
      continue;
    }
    let choices: number | undefined;
    let end = i;
    if (c === '*' || c === '+') choices = UNBOUNDED_CHOICES;
    else if (c === '?') choices = 2;
    else if (c === '{') {
      const m = /^\{(\d{1,5})(,(\d{0,5}))?\}/.exec(src.slice(i, i + 14));
      if (m !== null) {
        const lo = Number(m[1]);
        const hi = m[2] === undefined ? lo : m[3] === '' ? Infinity : Number(m[3]);
        if (lo > MAX_REPEAT || (hi !== Infinity && hi > MAX_REPEAT)) refuse(`with repeat counts up to ${MAX_REPEAT}`);
        choices = hi === Infinity ? UNBOUNDED_CHOICES : hi - lo + 1;
        end = i + m[0].length - 1;
      }
    }
    if (choices === undefined) {
      lastAtom = 'atom';
      continue;
    }
    if (lastAtom === 'group-risky') refuse('without a quantified group that holds a quantifier or an alternation (such as (a+)+ or (a|aa)*)');
    splits *= choices;
    if (splits > MAX_SPLITS) refuse('with fewer quantifiers: at most two unbounded ones (*, +, {n,}), or fewer with large repeat ranges');
    markRisky();
    i = end;
    // A lazy or possessive mark belongs to the quantifier.
    if (src[i + 1] === '?') i++;
    lastAtom = 'none';
  }
  try {
    let js = src;
    for (const at of literalBrackets.reverse()) js = `${js.slice(0, at)}\\${js.slice(at)}`;
    return new RegExp(`^(?:${js})$`);
  } catch (e) {
    return refuse(`that compiles (${e instanceof Error ? e.message : String(e)})`);
  }
}
