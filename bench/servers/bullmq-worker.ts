// The BullMQ side of the end-to-end comparison: a worker process doing what dtq's worker does
// per job with the same simulated provider and delay: progress 20, 50, 80, 100 and a result.
import { Worker } from 'bullmq';
import { createJobHandlers } from '../../composition/job-handlers.js';
import { loadConfig } from '../../config/index.js';

const queueName = process.env.BULLMQ_QUEUE ?? 'bench';
const prefix = process.env.BULLMQ_PREFIX ?? 'bull';
const concurrency = Number(process.env.WORKER_CONCURRENCY ?? 8);
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const handlers = createJobHandlers({ config: loadConfig({ SIMULATED_PROVIDER_DELAY_MS: process.env.SIMULATED_PROVIDER_DELAY_MS ?? '0' }) });
const noLogs = { debug() {}, info() {}, warn() {}, error() {}, child: () => noLogs };

const worker = new Worker(
  queueName,
  async (job, _token, signal) => {
    await job.updateProgress(20);
    await job.updateProgress(50);
    const output = await handlers.weather.run(job.data, {
      signal: signal ?? new AbortController().signal,
      jobId: String(job.id),
      traceId: String(job.id),
      logger: noLogs,
      progress: async (message) => void (await job.updateProgress({ percent: 50, message })),
    });
    await job.updateProgress(80);
    await job.updateProgress(100);
    return output;
  },
  {
    connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null },
    prefix,
    concurrency,
  },
);
worker.on('error', (error) => process.stderr.write(`bullmq worker error: ${error.message}\n`));
await worker.waitUntilReady();
process.stdout.write(`bullmq worker ready: queue ${queueName}, concurrency ${concurrency}\n`);

const stop = () => void worker.close().then(() => process.exit(0), () => process.exit(1));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
