// Property-based bad input for scraped pages: real engine pages
// (test/fixtures/engines: vLLM, SGLang, TGI, DCGM exporter), mutated and read
// under arbitrary Prometheus limits with parsePage, and arbitrary bodies served
// from 127.0.0.1 through fetchPage under arbitrary size caps. A page gives
// families within every limit or an EchoPerfError (a limit in Prometheus's
// words, or what even a lenient reader refuses); a body gives the page or a
// ScrapeError of kind body_limit. Violation reports are short; nothing else is
// thrown. Seeded (FC_SEED overrides); a failure prints the seed and path.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { EchoPerfError } from '../../core/errors.js';
import { fetchPage, ScrapeError } from './fetchPage.js';
import { parsePage, type PageLimits } from './pageLimits.js';

const SEED = Number(process.env['FC_SEED'] ?? 0x16d4);
const RUN = { seed: SEED, interruptAfterTimeLimit: 4000, markInterruptAsFailure: false } as const;

const fixture = (name: string): string => readFileSync(new URL(`../../../test/fixtures/engines/${name}`, import.meta.url), 'utf8');
const PAGES = ['vllm-v1-2026-qwen2.5-0.5b.metrics.txt', 'sglang-docs-example.metrics.txt', 'tgi-datadog-fixture-excerpt.metrics.txt', 'dcgm-exporter-nvidia-l4.metrics.txt'].map(
  // The first 120 lines: every kind of line the capture has, small enough to parse hundreds of times.
  (f) => fixture(f).split('\n').slice(0, 120).join('\n') + '\n',
);
const CONTENT_TYPES = fc.constantFrom(undefined, 'text/plain; version=0.0.4', 'application/openmetrics-text; version=1.0.0', 'text/html', '', 'application/json');

const garbage = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('{', '}', '"', '\\', '\n', '# TYPE x counter\n', '# EOF\n', ' NaN', ' +Inf', ' 1e999', ',__proto__="x"', ',constructor="y"', `,${'n'.repeat(300)}="v"`, `,a="${'v'.repeat(5000)}"`, '\u00e9\ud83d\ude00'),
);
type Mutation = { at: number; cut: number; v: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({ at: fc.nat(), cut: fc.nat({ max: 20 }), v: garbage });
const page = fc
  .tuple(fc.constantFrom(...PAGES), fc.array(mutation, { maxLength: 4 }))
  .map(([p, muts]) => muts.reduce((s, m) => {
    const at = m.at % (s.length + 1);
    return s.slice(0, at) + m.v + s.slice(at + m.cut);
  }, p));
const limit = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 }));
const limits: fc.Arbitrary<PageLimits> = fc.record({ sampleLimit: limit, labelLimit: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 12 })), labelNameLengthLimit: limit, labelValueLengthLimit: limit });

const NONE: PageLimits = { sampleLimit: 0, labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0 };
const ignore = (): void => undefined;
const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('scraped pages: property-based bad input', () => {
  it('parsePage: families within every limit, or an EchoPerfError; violations reported briefly', async () => {
    await fc.assert(
      fc.asyncProperty(page, CONTENT_TYPES, limits, async (body, ct, l) => {
        const violations: string[] = [];
        let families;
        try {
          families = await parsePage(body, ct, l, (m) => violations.push(m));
        } catch (e) {
          assert.ok(e instanceof EchoPerfError, `an EchoPerfError: ${String(e).slice(0, 300)}`);
          assert.ok(e.message.length <= 600, `message of ${e.message.length} characters`);
          return;
        } finally {
          assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
          for (const v of violations) assert.ok(v.length <= 600, `violation of ${v.length} characters`);
        }
        const samples = families.flatMap((f) => f.samples);
        if (l.sampleLimit > 0) assert.ok(samples.length <= l.sampleLimit, `${samples.length} samples over ${l.sampleLimit}`);
        for (const s of samples) {
          const names = Object.keys(s.labels);
          if (l.labelLimit > 0) assert.ok(names.length + 1 <= l.labelLimit, `${names.length + 1} labels over ${l.labelLimit}`);
          for (const n of names) {
            if (l.labelNameLengthLimit > 0) assert.ok(utf8(n) <= l.labelNameLengthLimit, `label name of ${utf8(n)} bytes`);
            if (l.labelValueLengthLimit > 0) assert.ok(utf8(s.labels[n]!) <= l.labelValueLengthLimit, `label value of ${utf8(s.labels[n]!)} bytes`);
          }
        }
      }),
      { ...RUN, numRuns: 400 },
    );
  });

  it('a page error or violation names a long metric name in at most ~100 characters', async () => {
    const long = 'm'.repeat(20_000);
    await assert.rejects(parsePage(`${long}"x" 1\n`, undefined, NONE, ignore), (e: unknown) => {
      assert.ok(e instanceof EchoPerfError && e.message.length < 300, String(e).slice(0, 300));
      assert.match(e.message, /metric name "m{100}…", got '"'$/);
      return true;
    });
    const violations: string[] = [];
    await parsePage(`# HELP ${long} a\n# HELP ${long} b\n${long} 1\n# EOF\n`, 'application/openmetrics-text; version=1.0.0', NONE, (m) => violations.push(m));
    assert.equal(violations.length, 1);
    assert.ok(violations[0]!.length < 300 && violations[0]!.includes(`"${'m'.repeat(100)}…"`), violations[0]!.slice(0, 300));
  });

  describe('fetchPage on 127.0.0.1', () => {
    let server: Server;
    let url = '';
    let next: { body: Buffer; gzip: boolean } = { body: Buffer.alloc(0), gzip: false };
    before(async () => {
      server = createServer((_req, res) => {
        const headers: Record<string, string> = { 'content-type': 'text/plain; version=0.0.4' };
        if (next.gzip) headers['content-encoding'] = 'gzip';
        res.writeHead(200, headers);
        res.end(next.gzip ? gzipSync(next.body) : next.body);
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    });
    after(() => new Promise<void>((r) => server.close(() => r())));

    it('a body under the cap comes back whole; over it, a body_limit ScrapeError', async () => {
      const body = fc.oneof(
        fc.uint8Array({ maxLength: 4000 }).map((a) => Buffer.from(a)),
        page.map((p) => Buffer.from(p)),
        fc.integer({ min: 0, max: 300_000 }).map((n) => Buffer.alloc(n, 0x61)),
      );
      await fc.assert(
        fc.asyncProperty(body, fc.boolean(), fc.integer({ min: 1, max: 200_000 }), async (b, gzip, maxBodyBytes) => {
          next = { body: b, gzip };
          try {
            const p = await fetchPage(url, { timeoutMs: 5000, maxBodyBytes, format: 'auto', userAgent: 'fuzz' });
            assert.ok(b.length <= maxBodyBytes, `${b.length} bytes read under a cap of ${maxBodyBytes}`);
            assert.equal(p.bytes, b.length);
            assert.equal(p.body, b.toString('utf8'));
          } catch (e) {
            assert.ok(e instanceof ScrapeError, `a ScrapeError: ${String(e).slice(0, 300)}`);
            assert.equal(e.kind, 'body_limit', e.message);
            assert.ok(b.length > maxBodyBytes);
          }
        }),
        { ...RUN, numRuns: 60 },
      );
    });
  });
});
