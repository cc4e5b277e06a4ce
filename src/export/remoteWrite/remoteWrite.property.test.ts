// Property-based bad input for remote write: bodies read back from arbitrary or
// damaged bytes (the saved last request is read from the data dir), and a
// receiver on 127.0.0.1 answering arbitrary statuses and bytes. Only
// EchoPerfError comes out, with bounded messages; nothing hangs. Seeded
// (FC_SEED overrides): a failure prints the seed and path that replay it.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { EchoPerfError } from '../../core/errors.js';
import { decodeWriteRequestBody, wireLabels, writeRequestBody, type WireSeries } from './encode.js';
import { postWrite, RemoteWriteError } from './post.js';

const SEED = Number(process.env['FC_SEED'] ?? 0x16e1);
const RUN = { seed: SEED, interruptAfterTimeLimit: 4000, markInterruptAsFailure: false } as const;

const seriesArb: fc.Arbitrary<WireSeries[]> = fc.array(
  fc.record({
    name: fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/),
    labels: fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,6}$/), fc.string({ minLength: 1, maxLength: 10 }), { maxKeys: 3 }),
    samples: fc.array(fc.record({ value: fc.double({ noNaN: true }).map((v) => (Object.is(v, -0) ? 0 : v)), timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }) }), { maxLength: 4 }),
  }).map(({ name, labels, samples }) => ({ labels: wireLabels(name, labels), samples: samples.map(({ value, timestamp }) => ({ value, timestamp })) })),
  { maxLength: 4 },
);

function decodedOrBodyError(body: Uint8Array): WireSeries[] | undefined {
  try {
    const out = decodeWriteRequestBody(body);
    assert.ok(Array.isArray(out));
    return out;
  } catch (e) {
    if (!(e instanceof EchoPerfError)) throw new Error(`not an EchoPerfError: ${String(e)}`, { cause: e });
    assert.equal(e.code, 'EP_ERR_ARGUMENT');
    assert.match(e.message, /^remote-write body of \d+ bytes: .+; expected a snappy-compressed prometheus\.WriteRequest$/s);
    assert.ok(e.message.length <= 300, e.message);
    return undefined;
  }
}

describe('remote-write bodies: property-based bad input', () => {
  it('generated series survive encoding and decoding', () => {
    fc.assert(
      fc.property(seriesArb, (series) => {
        assert.deepEqual(decodeWriteRequestBody(writeRequestBody(series)), series);
      }),
      { ...RUN, numRuns: 200 },
    );
  });

  it('arbitrary bytes: series or EP_ERR_ARGUMENT naming the body, never another exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        decodedOrBodyError(bytes);
      }),
      { ...RUN, numRuns: 500 },
    );
  });

  it('a valid body with bytes flipped, cut or inserted: series or EP_ERR_ARGUMENT', () => {
    const edit = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), op: fc.constantFrom('flip', 'cut', 'insert') });
    fc.assert(
      fc.property(seriesArb, fc.array(edit, { minLength: 1, maxLength: 3 }), (series, edits) => {
        let b = Array.from(writeRequestBody(series));
        for (const { at, byte, op } of edits) {
          const i = b.length === 0 ? 0 : at % b.length;
          if (op === 'flip') b[i] = byte;
          else if (op === 'cut') b = b.slice(0, i);
          else b.splice(i, 0, byte);
        }
        decodedOrBodyError(Uint8Array.from(b));
      }),
      { ...RUN, numRuns: 600 },
    );
  });

  it('a 4-byte literal length with its top bit set is refused, not read as negative (it looped for ever)', () => {
    // length 73, then a literal whose 4-byte length is 0x88079afc.
    assert.equal(decodedOrBodyError(Buffer.from('49fcfc9a0788fd6101', 'hex')), undefined);
  });

  it('a few bytes declaring 64 MiB are refused before anything that size is allocated', () => {
    // varint 64 MiB, then one literal tag: the codec used to allocate and zero the whole length first.
    const body = Uint8Array.from([0x80, 0x80, 0x80, 0x20, 0x00, 0x41]);
    const before = process.memoryUsage().arrayBuffers;
    assert.equal(decodedOrBodyError(body), undefined);
    assert.ok(process.memoryUsage().arrayBuffers - before < 32 * 1024 * 1024, 'no 64 MiB buffer');
    assert.throws(() => decodeWriteRequestBody(body), /declared uncompressed length of 67108864 bytes \(at most 196\)/);
  });
});

describe('remote-write answers: property-based bad receivers on 127.0.0.1', () => {
  let server: Server;
  let url: string;
  let next: Buffer = Buffer.alloc(0);
  const sockets = new Set<Socket>();

  before(async () => {
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
      // Answers once the request has arrived, whatever it was; then closes.
      socket.once('data', () => socket.end(next));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/v1/write`;
  });

  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const status = fc.oneof(fc.integer({ min: 100, max: 999 }), fc.constantFrom(200, 204, 400, 429, 500, 503));
  const answerBody = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.constantFrom('', 'line one\nFAKE LOG LINE level=error', '\u001b[31mred\u001b[0m', 'x'.repeat(100_000), '\u2028\u2029'),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
  );
  const framing = fc.constantFrom('length', 'close', 'garbage');

  it('any status and body: resolves on 2xx, else a RemoteWriteError of bounded, single-line text, retryable as the spec says', async () => {
    await fc.assert(
      fc.asyncProperty(status, answerBody, framing, async (code, text, how) => {
        const payload = Buffer.from(text, 'utf8');
        next =
          how === 'garbage'
            ? Buffer.concat([Buffer.from(`HTTP/1.1 ${code}\r\n\u0000bad header\r\n\r\n`), payload])
            : Buffer.concat([Buffer.from(`HTTP/1.1 ${code} X\r\n${how === 'length' ? `content-length: ${payload.byteLength}\r\n` : 'connection: close\r\n'}\r\n`), payload]);
        const signal = AbortSignal.timeout(5000); // a hang detector, not a speed target
        try {
          await postWrite(url, writeRequestBody([]), {}, signal, 'remote_write fuzz', ['s3cret']);
          assert.ok(code >= 200 && code < 300 && how !== 'garbage', `resolved on ${code} (${how})`);
        } catch (e) {
          assert.ok(e instanceof RemoteWriteError, `not a RemoteWriteError: ${String(e)}`);
          assert.ok(!signal.aborted, 'answered before the hang detector');
          assert.ok(e.message.length <= 400, `${e.message.length} characters`);
          // eslint-disable-next-line no-control-regex -- the point: no control characters reach a log line
          assert.doesNotMatch(e.message, /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
          const m = /: HTTP (\d+)/.exec(e.message);
          if (m !== null) assert.equal(e.retryable, Number(m[1]) === 429 || Number(m[1]) >= 500);
          else assert.equal(e.retryable, true, 'a malformed answer is a network error: retried');
        }
      }),
      { ...RUN, numRuns: 80 },
    );
  });
});
