/**
 * @module export/remoteWrite/encode
 * The remote-write 1.0 body: a protobuf `prometheus.WriteRequest`
 * (prometheus/prompb/remote.proto and types.proto) compressed with snappy's
 * block format (not its framed format), as the spec requires
 * (prometheus.io/docs/specs/remote_write_spec/).
 */
import { createRequire } from 'node:module';
import type * as Protobuf from 'protobufjs';
import type * as Snappy from 'snappyjs';
import { EchoPerfError } from '../../core/errors.js';
import { truncateText } from '../../core/preview.js';
import { uncompressBlock } from './snappyBlock.js';

/**
 * The codecs are loaded at first use: an agent without remote_write (the
 * default) would otherwise carry ~10 MiB of protobufjs it never runs.
 * Both packages are CommonJS, so `require` keeps every function here
 * synchronous.
 */
const load = createRequire(import.meta.url);
let codecs: { WriteRequest: Protobuf.Type; snappy: typeof Snappy } | undefined;

function codec(): { WriteRequest: Protobuf.Type; snappy: typeof Snappy } {
  if (codecs !== undefined) return codecs;
  const protobuf = load('protobufjs') as typeof Protobuf;
  // prompb's messages, the fields remote-write 1.0 uses (metadata and exemplars are not sent).
  const root = protobuf.Root.fromJSON({
    nested: {
      prometheus: {
        nested: {
          WriteRequest: { fields: { timeseries: { rule: 'repeated', type: 'TimeSeries', id: 1 } } },
          TimeSeries: {
            fields: {
              labels: { rule: 'repeated', type: 'Label', id: 1 },
              samples: { rule: 'repeated', type: 'Sample', id: 2 },
            },
          },
          Label: { fields: { name: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } } },
          Sample: { fields: { value: { type: 'double', id: 1 }, timestamp: { type: 'int64', id: 2 } } },
        },
      },
    },
  });
  codecs = { WriteRequest: root.lookupType('prometheus.WriteRequest'), snappy: load('snappyjs') as typeof Snappy };
  return codecs;
}

export interface WireLabel {
  name: string;
  value: string;
}

export interface WireSeries {
  /** `__name__` first, then by name: the order Prometheus sends and receivers expect. */
  labels: WireLabel[];
  /** Oldest first; `timestamp` in ms since the epoch. */
  samples: { value: number; timestamp: number }[];
}

/** The labels of a series as the protocol wants them: `__name__` first, the rest sorted by name, no empty values. */
export function wireLabels(name: string, labels: Readonly<Record<string, string>>): WireLabel[] {
  const out: WireLabel[] = [];
  for (const k of Object.keys(labels)) {
    const v = labels[k]!;
    // An empty value means "no such label" in Prometheus's model; receivers reject it.
    if (k !== '__name__' && v !== '') out.push({ name: k, value: v });
  }
  out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  out.unshift({ name: '__name__', value: name });
  return out;
}

/** The protobuf bytes of a WriteRequest, uncompressed. */
export function encodeWriteRequest(series: readonly WireSeries[]): Uint8Array {
  const { WriteRequest } = codec();
  return WriteRequest.encode(WriteRequest.fromObject({ timeseries: series })).finish();
}

/** The HTTP body: the WriteRequest, snappy block-compressed. */
export function writeRequestBody(series: readonly WireSeries[]): Uint8Array {
  return codec().snappy.compress(encodeWriteRequest(series));
}

/**
 * Reads a body back (snappy block, then WriteRequest), as a receiver does.
 * `maxBytes` bounds the uncompressed size the body may declare.
 */
export function decodeWriteRequestBody(body: Uint8Array, maxBytes = 64 * 1024 * 1024): WireSeries[] {
  const { WriteRequest } = codec();
  try {
    const msg = WriteRequest.decode(uncompressBlock(body, maxBytes));
    const obj = WriteRequest.toObject(msg, { longs: Number, defaults: true, arrays: true }) as { timeseries: WireSeries[] };
    return obj.timeseries;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new EchoPerfError('EP_ERR_ARGUMENT', `remote-write body of ${body.byteLength} bytes: ${truncateText(why)}; expected a snappy-compressed prometheus.WriteRequest`, { cause: e });
  }
}
