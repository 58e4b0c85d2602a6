import { MongoClient } from 'mongodb';
import type { Logger } from '../../core/ports/index.js';

/** Fail fast when MongoDB is down: a request waits this long for a server, then answers 503. */
export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 5_000;
/** A new connection (TCP, TLS and handshake) that has not answered by then is given up (the driver's default is 30 s). */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
/**
 * A reply the server has not sent within this long fails the operation (the driver's default is
 * no limit, so a server that hangs would hang its callers for good). Every operation here reads
 * or writes one document or one page, so this only ever cuts off a server that stopped answering.
 */
export const DEFAULT_SOCKET_TIMEOUT_MS = 30_000;

/** The client deadlines; each is used only with a connection string that does not set it itself. */
export interface ClientTimeouts {
  serverSelectionTimeoutMS?: number;
  connectTimeoutMS?: number;
  socketTimeoutMS?: number;
}

/** A client with dtq's deadlines, each unless the connection string sets it itself. */
export function createMongoClient(uri: string, timeouts: ClientTimeouts = {}): MongoClient {
  const wanted: Required<ClientTimeouts> = {
    serverSelectionTimeoutMS: timeouts.serverSelectionTimeoutMS ?? DEFAULT_SERVER_SELECTION_TIMEOUT_MS,
    connectTimeoutMS: timeouts.connectTimeoutMS ?? DEFAULT_CONNECT_TIMEOUT_MS,
    socketTimeoutMS: timeouts.socketTimeoutMS ?? DEFAULT_SOCKET_TIMEOUT_MS,
  };
  // Options given here override the connection string's, so only fill in what it leaves unset.
  const unset = Object.entries(wanted).filter(([name]) => !new RegExp(`[?&]${name}=`, 'i').test(uri));
  return new MongoClient(uri, Object.fromEntries(unset));
}

/** A store's client: one it made from a connection string (it closes it), or the caller's. */
export function resolveMongoClient(client: MongoClient | string, timeouts: ClientTimeouts): { client: MongoClient; owned: boolean } {
  return typeof client === 'string' ? { client: createMongoClient(client, timeouts), owned: true } : { client, owned: false };
}

/** Closes a client the store made; never rejects. */
export async function closeOwnedClient(handle: { client: MongoClient; owned: boolean }, logger: Logger): Promise<void> {
  if (!handle.owned) return;
  try {
    await handle.client.close();
  } catch (error) {
    logger.warn({ err: error }, 'closing the MongoDB client failed');
  }
}
