import { randomUUID } from "node:crypto";
import { MongoClient, type MongoClientOptions } from "mongodb";

/** A database / collection name unique to this run, so parallel runs never collide. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomUUID().replace(/-/g, "").slice(0, 10)}`;
}

/** A connected client with bounded timeouts. */
export async function connectClient(uri: string, options: MongoClientOptions = {}): Promise<MongoClient> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: 5_000,
    connectTimeoutMS: 5_000,
    socketTimeoutMS: 10_000,
    ...options,
  });
  await client.connect();
  return client;
}
