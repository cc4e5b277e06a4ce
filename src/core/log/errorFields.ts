/**
 * @module core/log/errorFields
 * An error as log fields: `{ type, message, stack, code, cause }`, the shape of
 * pino-std-serializers' `errWithCause`, but bounded (cause depth, text sizes)
 * and with secrets scrubbed from message and stack: a thrown error often quotes
 * the URL it failed on. Unlike `errWithCause` it copies no other own property,
 * since an error may carry a whole response body.
 */
import { truncateText } from '../preview.js';
import { redactText } from '../redact.js';

export interface ErrorFields {
  type: string;
  message: string;
  stack?: string;
  code?: string | number;
  cause?: ErrorFields;
}

const MAX_CAUSES = 4;
const MESSAGE_CHARS = 2000;
const STACK_CHARS = 8000;

/** `err` (an Error or anything thrown) as bounded, scrubbed fields. */
export function errorFields(err: unknown, depth = 0): ErrorFields {
  if (!(err instanceof Error)) {
    let text: string;
    try {
      text = typeof err === 'string' ? err : (JSON.stringify(err) ?? String(err));
    } catch {
      text = String(err);
    }
    return { type: err === null ? 'null' : typeof err, message: redactText(truncateText(text, MESSAGE_CHARS)) };
  }
  const out: ErrorFields = { type: typeName(err), message: redactText(truncateText(err.message, MESSAGE_CHARS)) };
  if (typeof err.stack === 'string') out.stack = redactText(truncateText(err.stack, STACK_CHARS));
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') out.code = truncateText(code, 100);
  else if (typeof code === 'number') out.code = code;
  if (err.cause !== undefined && err.cause !== err && depth < MAX_CAUSES) out.cause = errorFields(err.cause, depth + 1);
  return out;
}

function typeName(err: Error): string {
  const ctor = (err as { constructor?: { name?: unknown } }).constructor;
  return truncateText(typeof ctor?.name === 'string' && ctor.name !== '' ? ctor.name : err.name, 100);
}
