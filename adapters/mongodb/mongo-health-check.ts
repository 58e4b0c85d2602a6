import type { MongoClient } from 'mongodb';
import type { HealthCheck } from '../../core/ports/index.js';

/** Readiness of a MongoDB deployment: `ping` on the database answers. */
export class MongoPingHealthCheck implements HealthCheck {
  readonly name: string;
  private readonly client: MongoClient;
  private readonly database: string;

  constructor(options: { client: MongoClient; database: string; name?: string }) {
    this.client = options.client;
    this.database = options.database;
    this.name = options.name ?? 'result_store';
  }

  async check(): Promise<void> {
    await this.client.db(this.database).command({ ping: 1 });
  }
}
