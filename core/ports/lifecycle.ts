/**
 * A long-running loop (consumer, responder, server). `start` resolves once it serves; `ready`
 * answers cheaply whether it serves now; `close` stops it and never rejects.
 */
export interface Lifecycle {
  start(): Promise<void>;
  ready(): boolean;
  close(): Promise<void>;
}

/** One dependency's readiness, as /readyz reports it. `check` rejects when not ready. */
export interface HealthCheck {
  readonly name: string;
  check(): Promise<void>;
}
