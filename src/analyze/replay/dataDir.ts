/**
 * @module analyze/replay/dataDir
 * A data dir (the store's SQLite file) as replay input: every stored series,
 * or those of one metric, read through the persistent tier's read-only
 * reader at its raw tier (the samples as recorded; rollups are not replayed).
 */
import { existsSync, statSync } from 'node:fs';
import { EchoPerfError } from '../../core/errors.js';
import type { Labels } from '../../core/types.js';
import { DiskReader } from '../../store/disk/reader.js';
import { dbPath } from '../../store/disk/schema.js';
import { inputError, type Row } from './read.js';

/** Points one data dir may give a replay, in all (held in memory while replaying). */
export const MAX_DATA_DIR_POINTS = 5_000_000;
/** The widest range a query takes: all of time the store can hold. */
const FOREVER = 8.64e15;

export function isDataDir(path: string): boolean {
  try {
    return statSync(path).isDirectory() && existsSync(dbPath(path));
  } catch {
    return false;
  }
}

function* pointsOf(name: string, labels: Labels, points: readonly (readonly [number, number])[]): Generator<Row> {
  for (const [t, v] of points) yield { name, labels, t, v, rawT: String(t), rawV: String(v) };
}

/**
 * One time-ordered source per stored series. The reader is asked "as of" the
 * epoch so it reads the raw tier whatever the data's age.
 */
export function dataDirSources(dir: string, metric: string | undefined): Iterable<Row>[] {
  const reader = DiskReader.open(dir, { now: () => 0 });
  try {
    const names = metric !== undefined ? [metric] : reader.seriesNames();
    const out: Iterable<Row>[] = [];
    let total = 0;
    for (const name of names) {
      let r;
      try {
        r = reader.query({ name, start: 0, end: FOREVER });
      } catch (e) {
        if (e instanceof EchoPerfError && e.code === 'EP_ERR_ARGUMENT') throw inputError(`${dir}: metric ${JSON.stringify(name.slice(0, 100))}`, `${e.message}; expected fewer stored points (pick series with --metric)`);
        throw e;
      }
      for (const s of r.series) {
        total += s.points.length;
        if (total > MAX_DATA_DIR_POINTS) throw inputError(dir, `more than ${MAX_DATA_DIR_POINTS} stored points; expected at most that many in one replay (pick series with --metric)`);
        const labels = Object.freeze({ ...s.labels });
        out.push(pointsOf(name, labels, s.points));
      }
    }
    return out;
  } finally {
    reader.close();
  }
}
