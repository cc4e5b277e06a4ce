/** The HTTP API's shapes as the dashboard reads them, and a bounded JSON fetch. */

export type Labels = Record<string, string>;
export interface CurrentSeries { metric: string; labels: Labels; value: number; unit?: string }
export type Snapshot = Record<string, unknown> & { timestamp?: number };
export interface Current { timestamp: number; snapshot: Snapshot | null; series: CurrentSeries[]; truncated?: boolean }
export interface QueryResult { metric: string; tier?: string; series: { labels: Labels; points: [number, number][] }[] }
export interface Tick { t: number; snapshot: Snapshot | null; series: CurrentSeries[] }
export interface Alert {
  labels: Labels;
  annotations: { summary?: string };
  startsAt: string;
  endsAt: string | null;
  fingerprint: string;
  status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
}
export interface CollectorInfo { status?: string; lastError?: string; lastRunAt?: number }
export interface Status {
  collectors?: Record<string, CollectorInfo>;
  components?: Record<string, { state?: string; collector?: CollectorInfo }>;
}

export class ApiError extends Error {}

/** GET or POST JSON; a non-2xx answer becomes an ApiError carrying the server's message. */
export async function fetchJson<T>(path: string, init: RequestInit = {}): Promise<T> {
  const r = await fetch(path, { ...init, headers: { accept: 'application/json', ...(init.headers ?? {}) } });
  const text = await r.text();
  if (!r.ok) {
    let msg = text.slice(0, 300);
    try {
      const j = JSON.parse(text) as { error?: unknown; message?: unknown };
      if (typeof j.error === 'string' || typeof j.message === 'string') msg = String(j.message ?? j.error);
    } catch {
      // not JSON: the text itself says what went wrong
    }
    throw new ApiError(`${init.method ?? 'GET'} ${path}: ${r.status} ${msg}`);
  }
  return JSON.parse(text) as T;
}

export function labelText(labels: Labels, skip: readonly string[] = []): string {
  const parts = Object.entries(labels).filter(([k]) => !skip.includes(k)).map(([k, v]) => `${k}=${v}`);
  return parts.length === 0 ? '(all)' : parts.join(', ');
}
