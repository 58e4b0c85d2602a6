// The job types dtq runs: one line each, naming its folder's contract. Everything else (the
// job_type list, Kafka topics and message schema, JSON Schema and OpenAPI, the handler registry,
// the web form, KEDA triggers and Bicep topics) derives from this list. `npm run job:new` adds a line.
export { default as exchange_rate } from './exchange_rate/contract.js';
export { default as github_user } from './github_user/contract.js';
export { default as quote } from './quote/contract.js';
export { default as thumbnail } from './thumbnail/contract.js';
export { default as weather } from './weather/contract.js';
