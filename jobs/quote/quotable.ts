import { ProviderError } from '../../core/errors/index.js';
import type { JobRun } from '../../core/ports/index.js';
import { expectShape, fetchJson } from '../../adapters/http/fetch-json.js';
import type contract from './contract.js';

type RandomQuotes = Array<{ content: string; author: string; tags: string[] }>;

/** A random quotation from the Quotable API (`GET /quotes/random`). */
export class QuotableClient {
  readonly name = 'quotable';

  constructor(private readonly options: { baseUrl: string; timeoutMs: number }) {}

  readonly run: JobRun<typeof contract> = async (payload, context) => {
    const url = new URL('/quotes/random', this.options.baseUrl);
    url.searchParams.set('limit', '1');
    if (payload.tag) url.searchParams.set('tags', payload.tag);
    if (payload.max_length) url.searchParams.set('maxLength', String(payload.max_length));
    const quotes = expectShape<RandomQuotes>(
      this.name,
      await fetchJson(this.name, url, { signal: context.signal, timeoutMs: this.options.timeoutMs }),
      (v) => Array.isArray(v) && v.every((q: any) => typeof q?.content === 'string' && typeof q?.author === 'string'),
    );
    const quote = quotes[0];
    if (!quote) throw new ProviderError('QUOTE_NOT_FOUND', 'no quote matches the tag and length', false);
    return { content: quote.content, author: quote.author, tags: quote.tags ?? [] };
  };
}
