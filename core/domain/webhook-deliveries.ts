import { WEBHOOK_RETRY_JITTER, type JobMessage, type JobResultDocument, type WebhookPayload } from '../../contracts/index.js';
import { withinDeadline } from '../time/index.js';
import type { Logger, StoredWebhookDelivery, WebhookAnswer, WebhookAttemptRecord, WebhookOutbox } from '../ports/index.js';

/** The `webhook-id` of a job's delivery: one per job, the same on every attempt and every redelivery of the job's record. */
export function webhookId(jobId: string): string {
  return `msg_${jobId}`;
}

/** A job's delivery as the worker adds it to the outbox when the job ends; the first attempt is due at once. */
export function newWebhookDelivery(message: JobMessage, result: JobResultDocument, callbackUrl: string, now: Date): StoredWebhookDelivery {
  const at = now.toISOString();
  const payload: WebhookPayload = {
    type: result.final_state === 'completed' ? 'job.completed' : 'job.failed',
    timestamp: at,
    data: {
      job_id: message.job_id,
      job_type: message.job_type,
      state: result.final_state,
      finished_at: result.completed_at,
      ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : {}),
      result_url: `/v1/jobs/${message.job_id}/result`,
    },
  };
  return {
    job_id: message.job_id,
    webhook_id: webhookId(message.job_id),
    callback_url: callbackUrl,
    state: 'pending',
    attempts: 0,
    next_attempt_at: at,
    body: JSON.stringify(payload),
    created_at: at,
  };
}

export interface RecordJobEndedDeps {
  outbox: WebhookOutbox;
  now: () => Date;
  logger: Logger;
}

/**
 * Puts a finished job's webhook in the outbox (jobs without a callback_url have none). Called
 * before the job's record is committed and on every redelivery of it: the outbox keeps the first,
 * so a worker that dies in between loses no delivery and makes no second one.
 */
export async function recordJobEnded(deps: RecordJobEndedDeps, message: JobMessage, result: JobResultDocument): Promise<void> {
  if (!message.callback_url) return;
  const added = await deps.outbox.add(newWebhookDelivery(message, result, message.callback_url, deps.now()));
  if (added) deps.logger.info({ job_id: message.job_id, webhook_id: webhookId(message.job_id), final_state: result.final_state }, 'webhook delivery recorded');
}

export interface DeliverWebhooksDeps {
  outbox: WebhookOutbox;
  /** Sends one attempt, signed, within its own deadline; never rejects. */
  send(delivery: StoredWebhookDelivery): Promise<WebhookAnswer>;
  /** Waits before each retry (DEFAULT_WEBHOOK_RETRY_SCHEDULE_MS); past its end a delivery is given up. */
  retryScheduleMs: readonly number[];
  /** Who this deliverer is, for its leases. */
  holder: string;
  /** How long a claim holds: longer than one attempt's deadline. */
  leaseMs: number;
  now: () => Date;
  /** [0, 1), for the jitter. */
  random: () => number;
  logger: Logger;
  events?: WebhookDeliveryEvents;
}

/** What delivering reports for metrics. */
export interface WebhookDeliveryEvents {
  /** One attempt ended: `delivered`, `retrying` or `given_up`. */
  onAttempt?(outcome: 'delivered' | 'retrying' | 'given_up'): void;
  /** An attempt's result could not be kept: another deliverer took the delivery over. */
  onLeaseLost?(): void;
}

/**
 * One round: claims the due deliveries, sends each once, records what came back. A 2xx delivers;
 * anything else (another status, a redirect, which is never followed, a timeout, a refused
 * address) schedules the next attempt, until the schedule is spent. Answers how many it claimed.
 */
export async function deliverDueWebhooks(deps: DeliverWebhooksDeps, batch: number): Promise<number> {
  const now = deps.now();
  const claimed = await deps.outbox.claimDue(now, deps.holder, new Date(now.getTime() + deps.leaseMs), batch);
  await Promise.all(claimed.map((delivery) => deliverOnce(deps, delivery)));
  return claimed.length;
}

async function deliverOnce(deps: DeliverWebhooksDeps, delivery: StoredWebhookDelivery): Promise<void> {
  const log = deps.logger.child({ job_id: delivery.job_id, webhook_id: delivery.webhook_id });
  const answer = await deps.send(delivery);
  const attempt = nextState(delivery, answer, deps);
  const kept = await deps.outbox.recordAttempt(delivery.job_id, deps.holder, attempt);
  if (!kept) {
    deps.events?.onLeaseLost?.();
    log.warn({ attempts: attempt.attempts }, 'webhook lease lapsed during the attempt; another deliverer owns the delivery now');
    return;
  }
  const outcome = attempt.state === 'delivered' ? 'delivered' : attempt.state === 'given_up' ? 'given_up' : 'retrying';
  deps.events?.onAttempt?.(outcome);
  const fields = { attempts: attempt.attempts, status_code: attempt.last_status_code, error: attempt.last_error, next_attempt_at: attempt.next_attempt_at };
  if (outcome === 'delivered') log.info(fields, 'webhook delivered');
  else if (outcome === 'given_up') log.warn(fields, 'webhook given up: every attempt of the retry schedule failed');
  else log.info(fields, 'webhook attempt failed; trying again later');
}

/** The delivery after one more attempt with this answer. */
export function nextState(delivery: Pick<StoredWebhookDelivery, 'attempts'>, answer: WebhookAnswer, deps: Pick<DeliverWebhooksDeps, 'retryScheduleMs' | 'now' | 'random'>): WebhookAttemptRecord {
  const now = deps.now();
  const at = now.toISOString();
  const attempts = delivery.attempts + 1;
  const lastAnswer = 'statusCode' in answer ? { last_status_code: answer.statusCode } : { last_error: answer.error };
  if ('statusCode' in answer && answer.statusCode >= 200 && answer.statusCode < 300) {
    return { attempts, state: 'delivered', last_attempt_at: at, ...lastAnswer, delivered_at: at };
  }
  const waitMs = deps.retryScheduleMs[attempts - 1];
  if (waitMs === undefined) return { attempts, state: 'given_up', last_attempt_at: at, ...lastAnswer, given_up_at: at };
  const jittered = Math.round(waitMs * (1 - WEBHOOK_RETRY_JITTER + 2 * WEBHOOK_RETRY_JITTER * deps.random()));
  return { attempts, state: 'pending', last_attempt_at: at, ...lastAnswer, next_attempt_at: new Date(now.getTime() + jittered).toISOString() };
}

/** A delivery as clients see it: without the body and the lease. */
export function webhookView(delivery: StoredWebhookDelivery) {
  const { job_id: _job, body: _body, created_at: _created, lease_holder: _holder, lease_until: _until, ...view } = delivery;
  return view;
}

/** How long a status answer waits for its job's webhook before answering without it. */
const WEBHOOK_VIEW_DEADLINE_MS = 1_000;

/**
 * A job's status with its webhook delivery, when it has one. The delivery is an extra: an
 * outbox that is away or slow leaves it out (logged) rather than failing the status.
 */
export async function withWebhook<S extends { job_id: string }>(outbox: WebhookOutbox | undefined, status: S, logger: Logger): Promise<S & { webhook?: ReturnType<typeof webhookView> }> {
  if (!outbox) return status;
  try {
    const delivery = await withinDeadline(outbox.get(status.job_id), WEBHOOK_VIEW_DEADLINE_MS, () => new Error(`no answer within ${WEBHOOK_VIEW_DEADLINE_MS} ms`));
    return delivery ? { ...status, webhook: webhookView(delivery) } : status;
  } catch (error) {
    logger.warn({ err: error, job_id: status.job_id }, 'could not read the job\'s webhook delivery; answering its status without it');
    return status;
  }
}
