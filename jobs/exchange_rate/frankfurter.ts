import { ProviderError } from '../../core/errors/index.js';
import type { JobRun } from '../../core/ports/index.js';
import { expectShape, fetchJson } from '../../adapters/http/fetch-json.js';
import type contract from './contract.js';

interface LatestRates {
  amount: number;
  base: string;
  date: string;
  rates: Record<string, number>;
}

/** Reference exchange rates from the Frankfurter API (`GET /v1/latest?base=&symbols=`). */
export class FrankfurterClient {
  readonly name = 'frankfurter';

  constructor(private readonly options: { baseUrl: string; timeoutMs: number }) {}

  readonly run: JobRun<typeof contract> = async (payload, context) => {
    const url = new URL('/v1/latest', this.options.baseUrl);
    url.searchParams.set('base', payload.base);
    url.searchParams.set('symbols', payload.target);
    const latest = expectShape<LatestRates>(
      this.name,
      await fetchJson(this.name, url, {
        signal: context.signal,
        timeoutMs: this.options.timeoutMs,
        onStatus: (status) =>
          status === 404 || status === 422
            ? new ProviderError('UNKNOWN_CURRENCY', `${payload.base} or ${payload.target} is not a currency frankfurter knows`, false)
            : undefined,
      }),
      (v) => typeof v.rates === 'object' && v.rates !== null && typeof v.date === 'string',
    );
    const rate = latest.rates[payload.target];
    if (typeof rate !== 'number') {
      throw new ProviderError('UNKNOWN_CURRENCY', `no rate for ${payload.target}`, false);
    }
    const amount = payload.amount ?? 1;
    return {
      base: payload.base,
      target: payload.target,
      rate,
      amount,
      converted: Math.round(amount * rate * 1e6) / 1e6,
      date: latest.date,
    };
  };
}
