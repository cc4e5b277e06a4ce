// Preloaded into the agent by the soak (node --expose-gc --import this): on
// SIGUSR2 it collects garbage and writes the V8 heap and the resources keeping
// the event loop alive to the file named by ECHO_PERF_SOAK_PROBE. A signal,
// not an IPC channel, so the agent carries no extra descriptor or handle; Node
// leaves signal handles unref'd, so the agent still exits as it would.
import { renameSync, writeFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

const out = process.env.ECHO_PERF_SOAK_PROBE;
let n = 0;
if (out !== undefined && out !== '') {
  process.on('SIGUSR2', () => {
    const heapBeforeGc = getHeapStatistics().used_heap_size;
    // A full collection first: what is left is what the agent retains, so a
    // leak shows as a slope instead of hiding in the young generation's sawtooth.
    if (typeof globalThis.gc === 'function') globalThis.gc();
    const resources = process.getActiveResourcesInfo();
    const mem = process.memoryUsage();
    const line = JSON.stringify({
      n: ++n,
      heapUsed: getHeapStatistics().used_heap_size,
      heapBeforeGc,
      // Typed arrays and Buffers live outside the V8 heap: the store's rings among them.
      external: mem.external,
      rssAfterGc: mem.rss,
      timers: resources.filter((r) => r === 'Timeout').length,
      activeResources: resources.length,
    });
    // Written whole, then renamed: the reader never sees half a line.
    writeFileSync(`${out}.tmp`, line);
    renameSync(`${out}.tmp`, out);
  });
}
