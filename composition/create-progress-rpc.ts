import type { Config } from '../config/index.js';
import type {
  HealthCheck,
  Logger,
  ProgressClient,
  ProgressClientEvents,
  ProgressRequestHandler,
  ProgressResponder,
  ProgressResponderEvents,
} from '../core/ports/index.js';
import { MemoryProgressBus } from '../adapters/memory/index.js';
import { RabbitProgressClient, RabbitProgressResponder, rabbitMqHealthCheck } from '../adapters/rabbitmq/index.js';

export interface ProgressRpc {
  createClient(events?: ProgressClientEvents): ProgressClient;
  createResponder(handler: ProgressRequestHandler, events?: ProgressResponderEvents): ProgressResponder;
  readiness: HealthCheck[];
  /** Closes every client and responder made here (closing one twice is harmless). */
  close(): Promise<void>;
}

/** RabbitMQ request-reply when RABBITMQ_URL is set, an in-process bus otherwise. */
export function createProgressRpc(config: Config, logger: Logger): ProgressRpc {
  const made: Array<ProgressClient | ProgressResponder> = [];
  const track = <T extends ProgressClient | ProgressResponder>(endpoint: T): T => {
    made.push(endpoint);
    return endpoint;
  };
  const close = async () => void (await Promise.allSettled(made.map((endpoint) => endpoint.close())));

  const url = config.RABBITMQ_URL;
  if (!url) {
    const bus = new MemoryProgressBus();
    return {
      createClient: () => track(bus.createClient({ timeoutMs: config.PROGRESS_RPC_TIMEOUT_MS })),
      createResponder: (handler) => track(bus.createResponder({ handler, logger })),
      readiness: [],
      close,
    };
  }
  const requestQueue = config.PROGRESS_REQUEST_QUEUE;
  return {
    createClient: (events) =>
      track(new RabbitProgressClient({ url, requestQueue, timeoutMs: config.PROGRESS_RPC_TIMEOUT_MS, logger, ...(events ? { events } : {}) })),
    createResponder: (handler, events) =>
      track(new RabbitProgressResponder({ url, requestQueue, handler, logger, ...(events ? { events } : {}) })),
    readiness: [rabbitMqHealthCheck(() => made)],
    close,
  };
}
