/** What a worker says of itself on each heartbeat. */
export interface WorkerHeartbeat {
  /** The worker's own id: host, process and a random part, new at each start. */
  instance: string;
  /** The dtq version it runs. */
  version: string;
  /** Jobs it runs at once at most. */
  concurrency: number;
  /** Jobs it runs now. */
  in_flight: number;
  started_at: string;
  last_heartbeat_at: string;
}

/**
 * Where running workers say they are alive. Each entry expires `ttlMs` after its last beat, so a
 * worker that died without a word drops out by itself; one that stops removes its entry.
 */
export interface WorkerHeartbeats {
  beat(heartbeat: WorkerHeartbeat, ttlMs: number): Promise<void>;
  remove(instance: string): Promise<void>;
  /** The entries not expired, in no set order. */
  list(): Promise<WorkerHeartbeat[]>;
  close(): Promise<void>;
}
