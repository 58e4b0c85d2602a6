/**
 * A job whose record keeps failing for a reason that is not an outage: after its last attempt
 * the worker ends the job failed with PROCESSING_FAILED, the record goes to the dead-letter
 * topic and the partition moves on. The embedded app (in-memory adapters), with a result store
 * that refuses one job's documents.
 */
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_COPY_HEADERS } from '../../adapters/shared/record-settlement.js';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_TOPIC, type JobResultDocument } from '../../contracts/index.js';
import { PROCESSING_FAILED } from '../../core/domain/index.js';
import type { DeliveredRecord } from '../../core/ports/index.js';
import { startEmbeddedApp } from '../support/embedded-app.js';
import { postJson, request, waitForTerminal, weatherJob } from '../support/http-client.js';
import { waitFor } from '../support/wait-for.js';

describe('a job whose handler fails every attempt', () => {
  it('ends failed with PROCESSING_FAILED, is dead-lettered with its attempts, and the jobs after it run', { timeout: 30_000 }, async () => {
    const app = await startEmbeddedApp({});
    try {
      const dead: DeliveredRecord[] = [];
      const watcher = app.adapters.queue.createConsumer({
        groupId: 'dlq-watch',
        topics: [DEAD_LETTER_TOPIC],
        concurrency: 1,
        deadLetterTopic: 'unused.dlq',
        handler: async (record) => {
          dead.push(record);
          return { kind: 'done' };
        },
      });
      await watcher.start();
      const save = app.adapters.results.save.bind(app.adapters.results);
      let refused = 0;
      app.adapters.results.save = async (result: JobResultDocument) => {
        // A document the store refuses for good (not an outage): every attempt fails the same way.
        if (result.input.city === 'Refused' && result.final_state === 'completed') {
          refused += 1;
          throw new Error('document failed validation');
        }
        return save(result);
      };
      const doomed = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Refused'));
      const after = await postJson(`${app.baseUrl}/v1/jobs`, weatherJob('Lisbon'));
      expect([doomed.status, after.status]).toEqual([202, 202]);

      const status = await waitForTerminal(app.baseUrl, doomed.body.job_id, 20_000);
      expect(status).toMatchObject({ state: 'failed', error_code: PROCESSING_FAILED });
      // dtq's words for clients; the store's words only in the logs.
      expect(status.error_message).toBe("the worker could not process this job (5 attempts); its trace id identifies the cause in the worker's logs");
      expect(refused).toBe(5);
      expect(await waitForTerminal(app.baseUrl, after.body.job_id)).toMatchObject({ state: 'completed' });
      const result = await request(`${app.baseUrl}/v1/jobs/${doomed.body.job_id}/result`);
      expect(result.body).toMatchObject({ final_state: 'failed', error: { code: PROCESSING_FAILED, message: status.error_message } });

      const letter = await waitFor(() => dead.find((r) => r.key === doomed.body.job_id), { what: 'the dead letter' });
      expect(letter.headers[DEAD_LETTER_COPY_HEADERS.attempts]).toBe('5');
      expect(letter.headers[DEAD_LETTER_HEADERS.reason]).toBe("handler failed 5 times; the worker's logs have each error under this record's job_id and trace_id");
      await watcher.close();
    } finally {
      await app.close();
    }
  });
});
