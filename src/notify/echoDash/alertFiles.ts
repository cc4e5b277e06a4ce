/**
 * @module notify/echoDash/alertFiles
 * Names of the alert files and which of them cleanup removes. Pure: the writer
 * does the I/O.
 *
 * Naming rule: an event at unix second S goes to `alert_S.json` (the seed's name).
 * If that name is taken (another event in the same second), it goes to
 * `alert_S_1.json`, then `alert_S_2.json`, ... The `alert_<unix seconds>` prefix
 * is kept so echo.dash's glob `alert_*.json` finds every file, and sorting by
 * (S, suffix) gives the order the events were written in.
 */

export interface AlertFileName {
  /** The file name, without directory. */
  readonly file: string;
  /** Unix seconds of the event, from the name. */
  readonly secs: number;
  /** 0 for `alert_S.json`, n for `alert_S_n.json`. */
  readonly seq: number;
}

const ALERT_FILE = /^alert_(\d{1,15})(?:_(\d{1,9}))?\.json$/;

/**
 * Temp files that writeJsonAtomic leaves behind only if the process dies mid-write:
 * `.<name>.<12 hex digits>.tmp`, and the `.<name>.<pid>.<seq>.tmp` of earlier versions.
 */
export const STALE_TEMP_FILE = /^\.(?:alert_\d+(?:_\d+)?\.json|performance_metrics\.json)\.(?:[0-9a-f]{12}|\d+\.\d+)\.tmp$/;

export function alertFileName(secs: number, seq: number): AlertFileName {
  const file = seq === 0 ? `alert_${secs}.json` : `alert_${secs}_${seq}.json`;
  return { file, secs, seq };
}

/** Parses a name this module (or the seed's Python writer) produced; undefined for anything else. */
export function parseAlertFileName(file: string): AlertFileName | undefined {
  const m = ALERT_FILE.exec(file);
  if (m === null) return undefined;
  return { file, secs: Number(m[1]), seq: m[2] === undefined ? 0 : Number(m[2]) };
}

/** Oldest first. */
export function compareAlertFiles(a: AlertFileName, b: AlertFileName): number {
  return a.secs - b.secs || a.seq - b.seq;
}

/**
 * Splits files (sorted oldest first) into those to remove and those to keep:
 * anything older than `cutoffSecs` by its name, and the oldest beyond `maxFiles`.
 * The newest file is always kept, whatever its age, so echo.dash never sees an
 * empty directory right after an alert.
 */
export function selectForRemoval(
  sorted: readonly AlertFileName[],
  maxFiles: number,
  cutoffSecs: number,
): { remove: AlertFileName[]; keep: AlertFileName[] } {
  const overCount = Math.max(0, sorted.length - maxFiles);
  const last = sorted.length - 1;
  const remove: AlertFileName[] = [];
  const keep: AlertFileName[] = [];
  sorted.forEach((f, i) => {
    if (i !== last && (i < overCount || f.secs < cutoffSecs)) remove.push(f);
    else keep.push(f);
  });
  return { remove, keep };
}
