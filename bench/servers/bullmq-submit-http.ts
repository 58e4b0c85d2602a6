// The submit side a BullMQ user builds: node:http that parses the JSON body, checks the two
// fields a job needs and calls Queue.add, answering 202 with the job id. The baseline for
// dtq's POST /v1/jobs, and the way the BullMQ end-to-end runs receive their jobs.
import { createServer } from 'node:http';
import { Queue } from 'bullmq';

const port = Number(process.env.SUBMIT_PORT ?? 0);
const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const queue = new Queue(process.env.BULLMQ_QUEUE ?? 'bench', {
  connection: { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null },
  prefix: process.env.BULLMQ_PREFIX ?? 'bull',
});

const MAX_BODY_BYTES = 1024 * 1024;

function answer(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/v1/jobs') return answer(res, 404, { error: 'not found' });
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > MAX_BODY_BYTES) return answer(res, 413, { error: 'body too large' });
    let body: { job_type?: unknown; payload?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return answer(res, 400, { error: 'malformed JSON' });
    }
    if (typeof body.job_type !== 'string' || typeof body.payload !== 'object' || body.payload === null) {
      return answer(res, 400, { error: 'job_type and payload are required' });
    }
    queue.add(body.job_type, body.payload).then(
      (job) => answer(res, 202, { job_id: job.id, status: 'queued' }),
      (error: unknown) => answer(res, 503, { error: (error as Error).message }),
    );
  });
});

await queue.waitUntilReady();
server.listen(port, '127.0.0.1', () => process.stdout.write(`BullMQ submit server ready on ${port}\n`));
const stop = () => server.close(() => void queue.close().then(() => process.exit(0), () => process.exit(1)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
