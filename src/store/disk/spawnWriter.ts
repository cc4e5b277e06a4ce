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

/**
 * The process's Node flags, less those about how the main entry is read
 * (`node --input-type=module -e ...`): a thread inherits them, and Node
 * refuses to start a thread from a file with them.
 */
export function threadExecArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--input-type=')) continue;
    if (a === '--input-type') {
      i++;
      continue;
    }
    out.push(a);
  }
  return out;
}
