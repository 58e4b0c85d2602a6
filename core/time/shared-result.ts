/**
 * A result many callers share: one computation at a time (callers that come while it runs wait
 * for it rather than start their own), and its value kept for `ttlMs` after it settles. A
 * failure is shared by the callers that waited for it but never kept. With `ttlMs` 0, callers
 * share only the computation in flight.
 */
export class SharedResult<T> {
  private pending: Promise<T> | undefined;
  private kept: { at: number; value: T } | undefined;

  constructor(
    private readonly compute: () => Promise<T>,
    private readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(): Promise<T> {
    if (this.kept && this.clock() - this.kept.at < this.ttlMs) return Promise.resolve(this.kept.value);
    this.pending ??= this.compute()
      .then((value) => {
        this.kept = { at: this.clock(), value };
        return value;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}
