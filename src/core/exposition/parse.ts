/**
 * @module core/exposition/parse
 * Entry points of the parser: pick the format from the content type (or the
 * text), run the matching line reader, and group its output into families.
 */
import { EchoPerfError } from '../errors.js';
import { FamilyBuilder } from './families.js';
import type { ExpositionFormat, ExpositionVisitor, MetricFamily } from './model.js';
import { OpenMetricsReader } from './om-reader.js';
import type { LineReader } from './reader-base.js';
import { NO_LIMITS, type ParseOptions, resolveOptions } from './options.js';
import { TextReader } from './text-reader.js';

/**
 * The format a `Content-Type` names: `application/openmetrics-text` is
 * OpenMetrics, `text/plain` is text 0.0.4; anything else (or nothing) gives
 * `undefined`, and the caller detects the format from the text.
 * Protobuf exposition is rejected: echo-perf reads only the text formats.
 * @example formatFromContentType('text/plain; version=0.0.4; charset=utf-8') // 'text'
 */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat | undefined {
  if (contentType === undefined) return undefined;
  const semi = contentType.indexOf(';');
  const media = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  if (media === 'application/openmetrics-text') return 'openmetrics';
  if (media === 'text/plain') return 'text';
  if (media === 'application/vnd.google.protobuf') {
    throw new EchoPerfError(
      'EP_ERR_EXPOSITION_PARSE',
      `unsupported content type ${JSON.stringify(contentType)}: expected text/plain (0.0.4) or application/openmetrics-text`,
    );
  }
  return undefined;
}

/**
 * Guesses the format of a page with no usable content type: OpenMetrics when a
 * `# EOF` line or a `# UNIT ` line is present, text 0.0.4 otherwise.
 * @example detectFormat('up 1\n# EOF\n') // 'openmetrics'
 */
export function detectFormat(text: string): ExpositionFormat {
  return hasLine(text, '# EOF') || hasLinePrefix(text, '# UNIT ') ? 'openmetrics' : 'text';
}

function hasLinePrefix(text: string, prefix: string): boolean {
  for (let k = text.indexOf(prefix); k !== -1; k = text.indexOf(prefix, k + 1)) {
    if (k === 0 || text.charCodeAt(k - 1) === 10) return true;
  }
  return false;
}

function hasLine(text: string, line: string): boolean {
  for (let k = text.indexOf(line); k !== -1; k = text.indexOf(line, k + 1)) {
    const end = k + line.length;
    if ((k === 0 || text.charCodeAt(k - 1) === 10) && (end === text.length || text.charCodeAt(end) === 10)) return true;
  }
  return false;
}

/**
 * The low-level, allocation-light reader: calls `visitor` for every HELP,
 * TYPE, UNIT line and sample in page order, without grouping them into
 * families or checking cross-line rules. Throws `EchoPerfError`
 * (`EP_ERR_EXPOSITION_PARSE`) on the first syntax error, and
 * `EP_ERR_EXPOSITION_LIMIT` at the first breach of `options.limits`.
 * @example readExposition(page, 'text', { help() {}, type() {}, unit() {}, sample: (s) => n++ })
 */
export function readExposition(
  text: string,
  format: ExpositionFormat,
  visitor: ExpositionVisitor,
  options?: Pick<ParseOptions, 'limits'>,
): void {
  const limits = options === undefined ? NO_LIMITS : resolveOptions(options).limits;
  if (format === 'openmetrics') new OpenMetricsReader(text, visitor, limits).run();
  else new TextReader(text, visitor, limits).run();
}

/**
 * Parses a Prometheus text 0.0.4 or OpenMetrics 1.0.0 page into metric
 * families, in the order they first appear. The format comes from
 * `contentType` when it names one, else from the text (see `detectFormat`).
 * Every parse failure is an `EchoPerfError` with code `EP_ERR_EXPOSITION_PARSE`
 * and a message `line L, column C: expected …, got …`; a page over
 * `options.limits` fails with `EP_ERR_EXPOSITION_LIMIT` at the first breach.
 * @example parseExposition('# TYPE up gauge\nup 1\n')[0] // { name: 'up', type: 'gauge', samples: [{ name: 'up', labels: {}, value: 1 }] }
 * @example parseExposition(page, 'text/plain', { limits: { maxSamples: 50_000 } })
 */
export function parseExposition(text: string, contentType?: string, options?: ParseOptions): MetricFamily[] {
  const { reader, builder } = start(text, contentType, options);
  try {
    reader.run();
    builder.finish();
    return builder.families;
  } catch (e) {
    throw asParseError(e);
  }
}

/** Characters read between yields by parseExpositionAsync: about a millisecond of parsing. */
const SLICE_CHARS = 128 * 1024;

/**
 * `parseExposition` for large pages: the same result and errors, read in
 * slices of about a millisecond with the event loop let through in between,
 * so a scrape of a big page never holds up the rest of the process.
 */
export async function parseExpositionAsync(text: string, contentType?: string, options?: ParseOptions): Promise<MetricFamily[]> {
  const { reader, builder } = start(text, contentType, options);
  try {
    for (let i = reader.runSlice(0, SLICE_CHARS); i >= 0; i = reader.runSlice(i, i + SLICE_CHARS)) {
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    builder.finish();
    return builder.families;
  } catch (e) {
    throw asParseError(e);
  }
}

function start(text: string, contentType: string | undefined, options: ParseOptions | undefined): { reader: LineReader; builder: FamilyBuilder } {
  if (typeof text !== 'string') {
    throw new EchoPerfError('EP_ERR_ARGUMENT', `parseExposition expects the page as a string, got ${typeof text}`);
  }
  const opts = resolveOptions(options);
  try {
    const format = formatFromContentType(contentType) ?? detectFormat(text);
    const builder = new FamilyBuilder(text, format, opts);
    const reader = format === 'openmetrics' ? new OpenMetricsReader(text, builder, opts.limits) : new TextReader(text, builder, opts.limits);
    return { reader, builder };
  } catch (e) {
    throw asParseError(e);
  }
}

function asParseError(e: unknown): EchoPerfError {
  if (e instanceof EchoPerfError) return e;
  // Only a runtime limit (e.g. out of memory for a giant string) can land here.
  return new EchoPerfError('EP_ERR_EXPOSITION_PARSE', `could not parse exposition: ${String(e)}`, { cause: e });
}
