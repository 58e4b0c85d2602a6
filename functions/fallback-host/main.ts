// The containerized API host (`npm run start:api`): the API's handlers on plain Node HTTP.
// With no KAFKA_BROKERS the queue lives in this process, so the worker runs here too.
import { runApiProcess } from '../../composition/run-api-process.js';

await runApiProcess({ service: 'dtq-api', title: 'dtq API', worker: 'with-in-process-queue' });
