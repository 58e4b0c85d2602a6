/**
 * A Map whose entries expire, like keys with a TTL. Expired entries vanish on read and in a
 * periodic sweep (the timer does not keep the process alive).
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now, sweepEveryMs = 60_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepEveryMs);
    this.sweeper.unref();
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: K, value: V, ttlSeconds: number): void {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  /** Replaces a live entry's value and keeps its expiry (Redis' KEEPTTL); false when there is none. */
  update(key: K, value: V): boolean {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= this.now()) return false;
    entry.value = value;
    return true;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  *values(): IterableIterator<V> {
    const now = this.now();
    for (const entry of this.entries.values()) if (entry.expiresAt > now) yield entry.value;
  }

  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }

  dispose(): void {
    clearInterval(this.sweeper);
    this.entries.clear();
  }
}
