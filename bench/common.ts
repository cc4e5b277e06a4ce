/**
 * Benchmark helpers: timing with warm-up and the median, and the ~1 MB engine
 * page built from a real vLLM scrape.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../test/fixtures/engines/', import.meta.url));

/** Runs `fn` `warmup` times, then times `runs` calls; returns each call's milliseconds. */
export function time(fn: () => unknown, runs: number, warmup: number): number[] {
  let sink: unknown;
  for (let i = 0; i < warmup; i++) sink = fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    sink = fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  if (sink === Symbol.for('never')) process.stdout.write('');
  return ms;
}

/**
 * Times several functions in turns (one call each per round, after `warmup`
 * calls each), so that load changes on a shared machine hit them alike.
 * Returns each function's call times in milliseconds.
 */
export function timeInTurns(fns: ReadonlyArray<() => unknown>, runs: number, warmup: number): number[][] {
  let sink: unknown;
  for (const fn of fns) for (let i = 0; i < warmup; i++) sink = fn();
  const ms = fns.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) {
    fns.forEach((fn, k) => {
      const t0 = process.hrtime.bigint();
      sink = fn();
      ms[k]!.push(Number(process.hrtime.bigint() - t0) / 1e6);
    });
  }
  if (sink === Symbol.for('never')) process.stdout.write('');
  return ms;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * A page of at least `minBytes`, made from a fixture page by repeating every
 * family's samples once per copy with a `replica="<copy>"` label added, so
 * every series stays unique and each family's HELP/TYPE appears once.
 */
export function buildPage(fixture: string, minBytes: number): { page: string; copies: number } {
  const text = readFileSync(FIXTURES + fixture, 'utf8');
  const lines = text.split('\n').filter((l) => l !== '');
  const blocks: { meta: string[]; samples: string[] }[] = [];
  for (const line of lines) {
    const last = blocks[blocks.length - 1];
    if (line.startsWith('#')) {
      if (last === undefined || last.samples.length > 0) blocks.push({ meta: [line], samples: [] });
      else last.meta.push(line);
    } else if (last === undefined) {
      blocks.push({ meta: [], samples: [line] });
    } else {
      last.samples.push(line);
    }
  }
  const sampleBytes = blocks.reduce((a, b) => a + b.samples.reduce((x, s) => x + s.length + 14, 0), 0);
  const metaBytes = blocks.reduce((a, b) => a + b.meta.reduce((x, s) => x + s.length + 1, 0), 0);
  const copies = Math.max(1, Math.ceil((minBytes - metaBytes) / sampleBytes));
  const out: string[] = [];
  for (const b of blocks) {
    out.push(...b.meta);
    for (let k = 0; k < copies; k++) {
      for (const s of b.samples) {
        const brace = s.indexOf('{');
        const space = s.indexOf(' ');
        out.push(
          brace !== -1 && brace < space
            ? `${s.slice(0, brace + 1)}replica="${k}",${s.slice(brace + 1)}`
            : `${s.slice(0, space)}{replica="${k}"}${s.slice(space)}`,
        );
      }
    }
  }
  return { page: out.join('\n') + '\n', copies };
}

/**
 * On-CPU seconds of every thread of `pid` (ns precision, unlike the 10 ms ticks of
 * /proc/<pid>/stat), plus what its reaped child processes used (cutime + cstime:
 * the peer shells out, and that CPU is its cost too).
 */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  let ns = (Number(f[13]) + Number(f[14])) * 1e7; // cutime, cstime in 10 ms ticks
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return ns / 1e9;
}

export function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}
