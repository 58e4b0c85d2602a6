/** What a request handler can see: the broker's state and facts about the request. */
import type { GroupCoordinator } from '../groups/coordinator.js';
import type { Reader } from '../protocol/reader.js';
import type { Writer } from '../protocol/writer.js';
import type { TopicStore } from '../storage/topic-store.js';

export const NODE_ID = 0;
export const CLUSTER_ID = 'dtq-kafka-emulator';

export interface ApiRange {
  key: number;
  minVersion: number;
  maxVersion: number;
}

export interface BrokerContext {
  readonly topics: TopicStore;
  readonly groups: GroupCoordinator;
  /** Host and port advertised in Metadata and FindCoordinator. */
  readonly host: string;
  port: number;
  readonly defaultPartitions: number;
  readonly supportedApis: readonly ApiRange[];
  readonly log: (line: string) => void;
  nextProducerId: number;
}

export interface RequestContext {
  readonly broker: BrokerContext;
  readonly apiVersion: number;
  readonly clientId: string;
  readonly clientHost: string;
  /** Aborted when the connection closes or the broker shuts down (ends long polls early). */
  readonly signal: AbortSignal;
}

/** Returns the response body, or null when the request gets no response (Produce with acks=0). */
export type Handler = (ctx: RequestContext, body: Reader) => Writer | null | Promise<Writer | null>;

export interface ApiSpec extends ApiRange {
  name: string;
  handle: Handler;
}
