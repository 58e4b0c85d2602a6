/**
 * The one deadline dtq puts on a call to something it does not control: a store, a broker, a
 * health check. The work is not cancelled (most clients cannot be), but its caller stops
 * waiting: it gets `onTimeout()`'s error when `ms` pass first, and no timer is left behind.
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  // The work may still reject after the deadline won; that must not surface as unhandled.
  work.catch(() => undefined);
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves true once `work` settles (either way) within `ms`, false when the time runs out first; never rejects. */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const timedOut = new Error('deadline');
  return withinDeadline(
    work.then(
      () => true,
      () => true,
    ),
    ms,
    () => timedOut,
  ).catch(() => false);
}
