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
    try {
      const consume = limiter.consume.bind(limiter, scope, 1);
      await (this.options.call ? this.options.call(consume) : consume());
      return { allowed: true };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return { allowed: false, retryAtMs: Date.now() + rejection.msBeforeNext };
      throw rejection;
    }
  }

  async close(): Promise<void> {}
}
