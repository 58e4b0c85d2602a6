export { CheckedCallbackTargets, addressRange, normalizeHost, CALLBACK_LOOKUP_DEADLINE_MS, type ResolveHost, type CheckedCallbackTargetsOptions } from './callback-targets.js';
export { createWebhookSender, type WebhookSenderOptions } from './webhook-sender.js';
