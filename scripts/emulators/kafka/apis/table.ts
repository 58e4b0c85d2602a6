/**
 * Every API the emulator implements, with the exact version range it speaks.
 * ApiVersions advertises this table verbatim. Only non-flexible versions are
 * implemented; the ranges cover what kafkajs 2.x and librdkafka 2.0 negotiate.
 */
import { ApiKey } from '../protocol/api-keys.js';
import { handleApiVersions } from './api-versions.js';
import type { ApiSpec } from './context.js';
import { handleFetch } from './fetch.js';
import { handleDeleteGroups, handleDescribeGroups, handleListGroups } from './group-admin.js';
import { handleFindCoordinator, handleHeartbeat, handleJoinGroup, handleLeaveGroup, handleSyncGroup } from './group-membership.js';
import { handleListOffsets } from './list-offsets.js';
import { handleMetadata } from './metadata.js';
import { handleOffsetCommit, handleOffsetFetch } from './offsets.js';
import { handleProduce } from './produce.js';
import { handleInitProducerId } from './producer-id.js';
import { handleCreateTopics, handleDeleteTopics } from './topic-admin.js';

export const API_TABLE: readonly ApiSpec[] = [
  { key: ApiKey.Produce, name: 'Produce', minVersion: 3, maxVersion: 7, handle: handleProduce },
  { key: ApiKey.Fetch, name: 'Fetch', minVersion: 4, maxVersion: 11, handle: handleFetch },
  { key: ApiKey.ListOffsets, name: 'ListOffsets', minVersion: 1, maxVersion: 5, handle: handleListOffsets },
  { key: ApiKey.Metadata, name: 'Metadata', minVersion: 0, maxVersion: 6, handle: handleMetadata },
  { key: ApiKey.OffsetCommit, name: 'OffsetCommit', minVersion: 2, maxVersion: 7, handle: handleOffsetCommit },
  { key: ApiKey.OffsetFetch, name: 'OffsetFetch', minVersion: 1, maxVersion: 5, handle: handleOffsetFetch },
  { key: ApiKey.FindCoordinator, name: 'FindCoordinator', minVersion: 0, maxVersion: 2, handle: handleFindCoordinator },
  { key: ApiKey.JoinGroup, name: 'JoinGroup', minVersion: 0, maxVersion: 5, handle: handleJoinGroup },
  { key: ApiKey.Heartbeat, name: 'Heartbeat', minVersion: 0, maxVersion: 3, handle: handleHeartbeat },
  { key: ApiKey.LeaveGroup, name: 'LeaveGroup', minVersion: 0, maxVersion: 3, handle: handleLeaveGroup },
  { key: ApiKey.SyncGroup, name: 'SyncGroup', minVersion: 0, maxVersion: 3, handle: handleSyncGroup },
  { key: ApiKey.DescribeGroups, name: 'DescribeGroups', minVersion: 0, maxVersion: 4, handle: handleDescribeGroups },
  { key: ApiKey.ListGroups, name: 'ListGroups', minVersion: 0, maxVersion: 2, handle: handleListGroups },
  { key: ApiKey.ApiVersions, name: 'ApiVersions', minVersion: 0, maxVersion: 2, handle: handleApiVersions },
  { key: ApiKey.CreateTopics, name: 'CreateTopics', minVersion: 0, maxVersion: 4, handle: handleCreateTopics },
  { key: ApiKey.DeleteTopics, name: 'DeleteTopics', minVersion: 0, maxVersion: 3, handle: handleDeleteTopics },
  { key: ApiKey.InitProducerId, name: 'InitProducerId', minVersion: 0, maxVersion: 1, handle: handleInitProducerId },
  { key: ApiKey.DeleteGroups, name: 'DeleteGroups', minVersion: 0, maxVersion: 1, handle: handleDeleteGroups },
];
