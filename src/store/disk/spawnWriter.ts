/**
 * @module store/disk/spawnWriter
 * Starts the writer thread from the built file (`dist/.../writer.worker.js`)
 * or, when this module runs from its TypeScript source under tsx (tests,
 * `tsx` scripts), from `writer.worker.ts` with tsx's loader registered inside
 * the thread: loader hooks given to the main thread do not reach a worker's
 * entry file (Node 20).
 */
import { Worker } from 'node:worker_threads';
import type { WorkerInit } from './protocol.js';

export function spawnWriter(init: WorkerInit): Worker {
  const execArgv = threadExecArgv(process.execArgv);
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./writer.worker.js', import.meta.url), { workerData: init, execArgv });
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./writer.worker.ts', import.meta.url).href;
  const code = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(code, { eval: true, workerData: init, execArgv });
}

/** Node flags a worker thread accepts and needs: how modules load (a TypeScript loader in tests), warnings. */
const THREAD_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C', '--enable-source-maps', '--no-warnings', '--trace-warnings', '--no-deprecation']);
/** Of those, the ones that take the next argument as their value. */
const WITH_VALUE = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C']);

/**
 * The process's Node flags a thread can take. A thread inherits the process's
 * flags, and Node refuses to start one with a V8 or process-wide flag
 * (`--no-memory-reducer`, which the agent runs with, `--max-old-space-size`) or
 * one about reading the main entry (`--input-type`): "invalid execArgv flags".
 */
export function threadExecArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (!THREAD_FLAGS.has(flag)) {
      if (eq < 0 && WITH_VALUE.has(flag)) i++;
      continue;
    }
    out.push(a);
    if (eq < 0 && WITH_VALUE.has(flag) && i + 1 < argv.length) out.push(argv[++i]!);
  }
  return out;
}
