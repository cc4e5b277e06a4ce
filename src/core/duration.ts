/**
 * @module core/duration
 * Durations and instants as operators type them: `90s`, `10m`, `1h30m`, `7d`
 * (Prometheus's duration syntax: ms, s, m, h, d, w, y, largest first), and
 * times as RFC 3339 or unix seconds (what Prometheus's HTTP API accepts).
 */

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };
const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ORDER = ['y', 'w', 'd', 'h', 'm', 's', 'ms'] as const;

/** Milliseconds of a duration like `1h30m`; undefined when it is not one (or is 0). */
export function parseDuration(text: string): number | undefined {
  if (text.length === 0 || text.length > 40) return undefined;
  const m = DURATION_RE.exec(text);
  if (m === null) return undefined;
  let ms = 0;
  ORDER.forEach((unit, i) => {
    const n = m[i + 1];
    if (n !== undefined) ms += Number(n) * UNIT_MS[unit]!;
  });
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}

/** Milliseconds since the epoch of an RFC 3339 time or unix seconds (fractions allowed); undefined otherwise. */
export function parseTime(text: string): number | undefined {
  if (/^\d{1,12}(\.\d{1,9})?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** `5m`, `1h30m`, `250ms`: the shortest spelling of a duration, for messages and tables. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let left = Math.round(ms);
  let out = '';
  for (const unit of ORDER) {
    const size = UNIT_MS[unit]!;
    if (left >= size) {
      out += `${Math.floor(left / size)}${unit}`;
      left %= size;
    }
  }
  return out;
}
