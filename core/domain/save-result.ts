import type { JobResultDocument } from '../../contracts/index.js';
import { ResultRefusedError } from '../errors/index.js';
import type { Logger, ResultStore } from '../ports/index.js';

/** The error code of a job whose result document the result store refused for good. */
export const RESULT_REFUSED = 'RESULT_REFUSED';

/** What a client reads for such a job; the store's own words are in the worker's logs. */
export const RESULT_REFUSED_MESSAGE =
  'the result store refused this job\'s result (its input or output holds text it cannot store); the input is not kept, so submit a corrected job';

export interface SavedResult {
  /** Whether this save inserted the document (false: the job had one already). */
  inserted: boolean;
  /** The document saved: the one given, or the failed result put in place of a refused one. */
  saved: JobResultDocument;
}

/**
 * Saves a job's result once. When the store refuses the document for good (ResultRefusedError,
 * not an outage), the job still ends with a durable outcome: a failed result without its input
 * and output (what the store refused is in one of them), error RESULT_REFUSED, which /result
 * shows and /retry answers. The refusal's details go to the log, never to clients. Any other
 * error, and a refusal of that stand-in too, propagates: the record stays uncommitted.
 */
export async function saveResult(results: ResultStore, result: JobResultDocument, log: Logger): Promise<SavedResult> {
  try {
    return { inserted: (await results.save(result)).inserted, saved: result };
  } catch (error) {
    if (!(error instanceof ResultRefusedError)) throw error;
    log.error({ err: error.cause ?? error, final_state: result.final_state, error_code: result.error?.code }, 'the result store refused the result document; storing a failed result without its input in its place');
    const refused: JobResultDocument = {
      ...result,
      input: {},
      output: null,
      final_state: 'failed',
      error: { code: RESULT_REFUSED, message: RESULT_REFUSED_MESSAGE },
    };
    return { inserted: (await results.save(refused)).inserted, saved: refused };
  }
}
