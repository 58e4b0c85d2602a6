// One process: API + worker + web UI, on whatever adapters the environment selects
// (in-memory for all of them by default). `npm start` runs this.
import { runApiProcess } from '../composition/run-api-process.js';

await runApiProcess({ service: 'dtq', title: 'dtq', worker: 'always' });
