import type { QuoteOutput, QuotePayload } from '../../../contracts/index.js';
import { ProviderError } from '../../../core/errors/index.js';
import type { JobProvider, ProviderContext } from '../../../core/ports/index.js';
import { expectShape, fetchJson } from './fetch-json.js';

type RandomQuotes = Array<{ content: string; author: string; tags: string[] }>;

/** A random quotation from the Quotable API (`GET /quotes/random`). */
export class QuotableProvider implements JobProvider<'quote'> {
  readonly jobType = 'quote' as const;
  readonly name = 'quotable';

  constructor(private readonly options: { baseUrl: string; timeoutMs: number }) {}

  async execute(payload: QuotePayload, context: ProviderContext): Promise<QuoteOutput> {
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
    return { content: quote.content, author: quote.author, tags: quote.tags ?? [], source: this.name, simulated: false };
  }
}
