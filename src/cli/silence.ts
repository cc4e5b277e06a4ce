/**
 * @module cli/silence
 * `echo-perf silence add|list|expire`, amtool's silence commands against a
 * running agent's HTTP API. Exit 0 done, 1 refused by the agent, 2 when the
 * agent cannot be reached or the arguments are wrong.
 */
import { parseArgs } from 'node:util';
import { parseDuration } from '../core/duration.js';
import { describeErrorChain, EchoPerfError } from '../core/errors.js';
import { parseMatchers, formatMatcher, type Matcher } from '../alert/matchers.js';
import { agentBaseUrl, parseOrUsage, shown, SILENCE_USAGE, usageError } from './usage.js';

interface Common {
  url: string;
  token: string | undefined;
}

type Out = (s: string) => void;

export async function runSilence(argv: string[], out: Out): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseOrUsage(SILENCE_USAGE, () =>
    parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        url: { type: 'string', default: 'http://127.0.0.1:9464' },
        token: { type: 'string' },
        duration: { type: 'string', short: 'd', default: '1h' },
        comment: { type: 'string', short: 'c' },
        author: { type: 'string', short: 'a' },
        state: { type: 'string' },
        format: { type: 'string', default: 'table' },
      },
      strict: true,
    }),
  );
  const c: Common = { url: baseUrl(values.url), token: values.token };
  switch (sub) {
    case 'add': {
      if (positionals.length === 0) throw usageError('silence add: expected at least one matcher, e.g. alertname=HighCpuUsage', SILENCE_USAGE);
      let matchers: Matcher[];
      try {
        matchers = parseMatchers(positionals);
      } catch (e) {
        throw usageError(`silence add: ${e instanceof Error ? e.message : String(e)}`, SILENCE_USAGE);
      }
      const ms = parseDuration(values.duration);
      if (ms === undefined) throw usageError(`--duration: got ${shown(values.duration)}; expected a duration such as 30m, 2h or 1d`, SILENCE_USAGE);
      if (values.comment === undefined || values.comment.trim() === '') throw usageError('--comment: expected a reason for the silence', SILENCE_USAGE);
      const body = {
        matchers: matchers.map((m) => ({ name: m.name, value: m.value, isRegex: m.isRegex, isEqual: m.isEqual })),
        duration: ms / 1000,
        createdBy: values.author ?? process.env['USER'] ?? 'echo-perf',
        comment: values.comment,
      };
      const r = await call(c, 'POST', '/api/v1/silences', body);
      if (r.status !== 200) return refused(r, out);
      out(`${String((r.body as { silenceID?: unknown }).silenceID)}\n`);
      return 0;
    }
    case 'list':
    case 'query': {
      if (positionals.length > 0) throw usageError(`silence list: got ${shown(positionals.join(' '))}; expected no arguments`, SILENCE_USAGE);
      if (values.format !== 'table' && values.format !== 'json') throw usageError(`--format: got ${shown(values.format)}; expected table or json`, SILENCE_USAGE);
      const q = values.state === undefined ? '' : `?state=${encodeURIComponent(values.state)}`;
      const r = await call(c, 'GET', `/api/v1/silences${q}`);
      if (r.status !== 200) return refused(r, out);
      const list = Array.isArray(r.body) ? (r.body as ListedSilence[]) : [];
      if (values.format === 'json') out(`${JSON.stringify(list, null, 2)}\n`);
      else out(table(list));
      return 0;
    }
    case 'expire': {
      if (positionals.length === 0) throw usageError('silence expire: expected one or more silence IDs', SILENCE_USAGE);
      let code = 0;
      for (const id of positionals) {
        const r = await call(c, 'DELETE', `/api/v1/silences/${encodeURIComponent(id)}`);
        if (r.status !== 200) code = refused(r, out);
        else out(`expired ${id}\n`);
      }
      return code;
    }
    default:
      throw usageError(`silence: got ${shown(sub ?? '')}; expected add, list or expire`, SILENCE_USAGE);
  }
}

interface ListedSilence {
  id: string;
  matchers: Matcher[];
  endsAt: string;
  createdBy: string;
  comment: string;
  status: { state: string };
}

function table(list: readonly ListedSilence[]): string {
  const rows = [['ID', 'STATE', 'MATCHERS', 'ENDS AT', 'CREATED BY', 'COMMENT']];
  for (const s of list) rows.push([s.id, s.status?.state ?? '', (s.matchers ?? []).map(formatMatcher).join(' '), s.endsAt, s.createdBy, s.comment]);
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : String(c).padEnd(width[i]!))).join('  ')).join('\n') + '\n';
}

function refused(r: { status: number; body: unknown }, out: Out): number {
  const e = (r.body as { error?: unknown } | null)?.error;
  out(`the agent refused: HTTP ${r.status}: ${typeof e === 'string' ? e : JSON.stringify(r.body)}\n`);
  return 1;
}

async function call(c: Common, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(`${c.url}${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(c.token !== undefined ? { authorization: `Bearer ${c.token}` } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (e) {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `cannot reach the agent at ${c.url}: ${describeErrorChain(e)} (is echo-perf start running? see --url)`);
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // Not JSON: shown as text.
  }
  return { status: res.status, body: parsed };
}

function baseUrl(raw: string): string {
  const url = agentBaseUrl(raw);
  if (url === undefined) throw usageError(`--url: got ${shown(raw)}; expected an http:// or https:// URL such as http://127.0.0.1:9464`, SILENCE_USAGE);
  return url;
}
