import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RateAnswer, RateLimits } from '../../core/ports/index.js';

/**
 * Rate limits per scope over rate-limiter-flexible: one limiter per (points, window), made on
 * first use, fixed windows of whole seconds (the library's unit). `create` picks the store.
 */
export class FlexibleRateLimits implements RateLimits {
  private readonly limiters = new Map<string, RateLimiterAbstract>();

  constructor(
    private readonly options: {
      create: (options: { points: number; duration: number; keyPrefix: string }) => RateLimiterAbstract;
      keyPrefix: string;
      /** Wraps each store call (Redis: its errors read as dtq's own). */
      call?: <T>(work: () => Promise<T>) => Promise<T>;
    },
  ) {}

  async take(scope: string, points: number, perMs: number): Promise<RateAnswer> {
    const duration = Math.max(1, Math.ceil(perMs / 1000));
    const name = `${points}/${duration}`;
    let limiter = this.limiters.get(name);
    if (!limiter) {
      limiter = this.options.create({ points, duration, keyPrefix: `${this.options.keyPrefix}kl:rate:${name}` });
      this.limiters.set(name, limiter);
    }
    // The library rejects with a RateLimiterRes when the points are spent: that is an answer, read
    // here, inside the store call, so that the store's error mapping (Redis: every rejection is
    // "redis unavailable") never sees it.
    const consume = (): Promise<RateAnswer> =>
      limiter.consume(scope, 1).then(
        (): RateAnswer => ({ allowed: true }),
        (rejection: unknown): RateAnswer => {
          if (rejection instanceof RateLimiterRes) return { allowed: false, retryAtMs: Date.now() + rejection.msBeforeNext };
          throw rejection;
        },
      );
    return this.options.call ? this.options.call(consume) : consume();
  }

  async close(): Promise<void> {}
}
