/**
 * @module collect/system/timeout
 * Waiting on work that may never finish. statfs() on a dead NFS server blocks
 * a libuv threadpool thread indefinitely and cannot be cancelled, so the
 * collector stops *waiting* for it after a deadline (node_exporter does the
 * same with its 5 s stuck-mount watchdog, collector/filesystem_linux.go).
 */

/** What settleWithin resolves to when the deadline came first. */
export const TIMED_OUT: unique symbol = Symbol('timed out');
/** What settleWithin resolves to when the signal aborted first. */
export const ABORTED: unique symbol = Symbol('aborted');

/**
 * Resolves with `p`'s value, or with TIMED_OUT once `ms` have passed, or with
 * ABORTED when `signal` aborts, whichever is first. Rejects only if `p`
 * rejects in time.
 * The timer is unref'ed and cleared as soon as the race is decided.
 * @example
 * const r = await settleWithin(fsp.statfs('/mnt/nfs'), 2000);
 * if (r === TIMED_OUT) markStuck('/mnt/nfs');
 */
export function settleWithin<T>(p: Promise<T>, ms: number, signal?: AbortSignal): Promise<T | typeof TIMED_OUT | typeof ABORTED> {
  if (signal?.aborted === true) return Promise.resolve(ABORTED);
  return new Promise<T | typeof TIMED_OUT | typeof ABORTED>((resolve, reject) => {
    let decided = false;
    const decide = (): boolean => {
      if (decided) return false;
      decided = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (decide()) resolve(ABORTED);
    };
    const timer = setTimeout(() => {
      if (decide()) resolve(TIMED_OUT);
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        if (decide()) resolve(v);
      },
      (e: unknown) => {
        if (decide()) reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
