/**
 * One consumer group's membership state machine, after the classic Kafka group
 * coordinator:
 *
 *   Empty --join--> PreparingRebalance --all joined / rebalance timeout-->
 *   CompletingRebalance --leader's SyncGroup--> Stable --join/leave/expiry-->
 *   PreparingRebalance ...
 *
 * Members that stop heartbeating for longer than their session timeout are
 * evicted by tick(); members that do not rejoin a rebalance before the
 * rebalance timeout are dropped when the join phase completes.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors.js';
import type {
  GroupDescription,
  GroupState,
  JoinRequest,
  JoinResult,
  ProtocolMetadata,
  SyncResult,
} from './types.js';

interface Member {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocols: ProtocolMetadata[];
  assignment: Buffer;
  lastSeen: number;
  awaitingJoin: ((r: JoinResult) => void) | null;
  awaitingSync: ((r: SyncResult) => void) | null;
}

const EMPTY = Buffer.alloc(0);

function failedJoin(errorCode: number, memberId: string): JoinResult {
  return { errorCode, generationId: -1, protocolName: '', leaderId: '', memberId, members: [] };
}

export class Group {
  state: GroupState = 'Empty';
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  private readonly members = new Map<string, Member>();
  /** Member ids handed out with MEMBER_ID_REQUIRED, with the time they lapse. */
  private readonly pending = new Map<string, number>();
  private phaseDeadline = 0;

  constructor(
    readonly groupId: string,
    private readonly now: () => number,
    private readonly log: (line: string) => void,
  ) {}

  get memberCount(): number {
    return this.members.size;
  }

  hasMember(memberId: string): boolean {
    return this.members.has(memberId);
  }

  join(req: JoinRequest): Promise<JoinResult> {
    if (req.protocolType === '' || req.protocols.length === 0 || !this.supportsProtocols(req)) {
      return Promise.resolve(failedJoin(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, req.memberId));
    }
    if (req.memberId === '') {
      const memberId = `${req.clientId || 'member'}-${randomUUID()}`;
      if (req.requireKnownMemberId && req.groupInstanceId === null) {
        this.pending.set(memberId, this.now() + req.sessionTimeoutMs);
        return Promise.resolve(failedJoin(ErrorCode.MEMBER_ID_REQUIRED, memberId));
      }
      return this.addMember(memberId, req);
    }
    if (this.pending.delete(req.memberId)) return this.addMember(req.memberId, req);
    const member = this.members.get(req.memberId);
    if (!member) return Promise.resolve(failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, req.memberId));
    return this.rejoin(member, req);
  }

  sync(memberId: string, generationId: number, assignments: Map<string, Buffer>): Promise<SyncResult> {
    const member = this.members.get(memberId);
    if (!member) return Promise.resolve({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    if (generationId !== this.generationId) {
      return Promise.resolve({ errorCode: ErrorCode.ILLEGAL_GENERATION, assignment: EMPTY });
    }
    member.lastSeen = this.now();
    if (this.state === 'Stable') return Promise.resolve({ errorCode: ErrorCode.NONE, assignment: member.assignment });
    if (this.state !== 'CompletingRebalance') {
      return Promise.resolve({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
    }
    const result = new Promise<SyncResult>((resolve) => {
      member.awaitingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
      member.awaitingSync = resolve;
    });
    if (memberId === this.leaderId) {
      for (const m of this.members.values()) m.assignment = assignments.get(m.memberId) ?? EMPTY;
      this.state = 'Stable';
      this.log(`group ${this.groupId}: generation ${this.generationId} stable with ${this.members.size} member(s)`);
      for (const m of this.members.values()) {
        const resolve = m.awaitingSync;
        m.awaitingSync = null;
        m.lastSeen = this.now();
        resolve?.({ errorCode: ErrorCode.NONE, assignment: m.assignment });
      }
    }
    return result;
  }

  heartbeat(memberId: string, generationId: number): number {
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    member.lastSeen = this.now();
    return this.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE;
  }

  leave(memberId: string): number {
    if (this.pending.delete(memberId)) return ErrorCode.NONE;
    const member = this.members.get(memberId);
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID;
    this.remove(member, 'left the group');
    return ErrorCode.NONE;
  }

  /** Error for an OffsetCommit from a group member, or NONE; simple (generation -1) commits are checked by the caller. */
  commitError(memberId: string, generationId: number): number {
    if (this.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS;
    if (!this.members.has(memberId)) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (generationId !== this.generationId) return ErrorCode.ILLEGAL_GENERATION;
    return ErrorCode.NONE;
  }

  /** Expires silent members and lapsed pending ids, and ends join/sync phases past their deadline. */
  tick(): void {
    const now = this.now();
    for (const [id, expiresAt] of this.pending) {
      if (now >= expiresAt) {
        this.pending.delete(id);
        this.tryCompleteJoin();
      }
    }
    for (const member of [...this.members.values()]) {
      const waiting = member.awaitingJoin !== null || member.awaitingSync !== null;
      if (!waiting && now - member.lastSeen > member.sessionTimeoutMs && this.members.has(member.memberId)) {
        this.remove(member, `session timed out after ${member.sessionTimeoutMs} ms`);
      }
    }
    if (this.state === 'PreparingRebalance' && now >= this.phaseDeadline) {
      this.completeJoin();
    } else if (this.state === 'CompletingRebalance' && now >= this.phaseDeadline) {
      // Members that never sent SyncGroup (above all a silent leader) are dropped, which rebalances.
      for (const m of [...this.members.values()]) {
        if (m.awaitingSync === null && this.members.has(m.memberId)) this.remove(m, 'did not sync in time');
      }
    }
  }

  /** Answers every parked request; used when the broker shuts down. */
  shutdown(): void {
    for (const m of this.members.values()) {
      m.awaitingJoin?.(failedJoin(ErrorCode.COORDINATOR_NOT_AVAILABLE, m.memberId));
      m.awaitingSync?.({ errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, assignment: EMPTY });
      m.awaitingJoin = null;
      m.awaitingSync = null;
    }
  }

  describe(): GroupDescription {
    const stable = this.state === 'Stable';
    return {
      groupId: this.groupId,
      state: this.state,
      protocolType: this.protocolType ?? '',
      protocolName: this.protocolName ?? '',
      members: [...this.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        metadata: stable ? this.metadataFor(m) : EMPTY,
        assignment: stable ? m.assignment : EMPTY,
      })),
    };
  }

  private supportsProtocols(req: JoinRequest): boolean {
    if (this.members.size === 0) return true;
    if (req.protocolType !== this.protocolType) return false;
    return req.protocols.some((p) => [...this.members.values()].every((m) => m.protocols.some((q) => q.name === p.name)));
  }

  private addMember(memberId: string, req: JoinRequest): Promise<JoinResult> {
    const member: Member = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      sessionTimeoutMs: req.sessionTimeoutMs,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      protocols: req.protocols,
      assignment: EMPTY,
      lastSeen: this.now(),
      awaitingJoin: null,
      awaitingSync: null,
    };
    if (this.members.size === 0) this.protocolType = req.protocolType;
    this.members.set(memberId, member);
    this.leaderId ??= memberId;
    this.log(`group ${this.groupId}: member ${memberId} joining`);
    const result = this.parkJoin(member);
    if (this.state === 'PreparingRebalance') this.tryCompleteJoin();
    else this.prepareRebalance(`member ${memberId} joined`);
    return result;
  }

  private rejoin(member: Member, req: JoinRequest): Promise<JoinResult> {
    const unchanged = sameProtocols(member.protocols, req.protocols);
    member.sessionTimeoutMs = req.sessionTimeoutMs;
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs;
    member.lastSeen = this.now();
    if (this.state === 'CompletingRebalance' && unchanged) {
      return Promise.resolve(this.joinResultFor(member));
    }
    if (this.state === 'Stable' && unchanged && member.memberId !== this.leaderId) {
      return Promise.resolve(this.joinResultFor(member));
    }
    member.protocols = req.protocols;
    const result = this.parkJoin(member);
    if (this.state === 'PreparingRebalance') this.tryCompleteJoin();
    else this.prepareRebalance(`member ${member.memberId} rejoined`);
    return result;
  }

  private parkJoin(member: Member): Promise<JoinResult> {
    return new Promise<JoinResult>((resolve) => {
      member.awaitingJoin?.(failedJoin(ErrorCode.REBALANCE_IN_PROGRESS, member.memberId));
      member.awaitingJoin = resolve;
    });
  }

  private prepareRebalance(reason: string): void {
    if (this.state === 'CompletingRebalance') {
      for (const m of this.members.values()) {
        m.awaitingSync?.({ errorCode: ErrorCode.REBALANCE_IN_PROGRESS, assignment: EMPTY });
        m.awaitingSync = null;
      }
    }
    for (const m of this.members.values()) m.assignment = EMPTY;
    this.state = 'PreparingRebalance';
    let timeout = 0;
    for (const m of this.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    this.phaseDeadline = this.now() + timeout;
    this.log(`group ${this.groupId}: preparing rebalance (${reason})`);
    this.tryCompleteJoin();
  }

  private tryCompleteJoin(): void {
    if (this.state !== 'PreparingRebalance' || this.pending.size > 0) return;
    for (const m of this.members.values()) if (m.awaitingJoin === null) return;
    this.completeJoin();
  }

  private completeJoin(): void {
    for (const m of [...this.members.values()]) {
      if (m.awaitingJoin === null) {
        this.members.delete(m.memberId);
        m.awaitingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
        this.log(`group ${this.groupId}: member ${m.memberId} removed (did not rejoin before the rebalance timeout)`);
      }
    }
    this.generationId += 1;
    if (this.leaderId === null || !this.members.has(this.leaderId)) {
      this.leaderId = this.members.keys().next().value ?? null;
    }
    if (this.members.size === 0) {
      this.state = 'Empty';
      this.protocolName = null;
      this.protocolType = null;
      this.log(`group ${this.groupId}: empty at generation ${this.generationId}`);
      return;
    }
    this.protocolName = this.selectProtocol();
    this.state = 'CompletingRebalance';
    let timeout = 0;
    for (const m of this.members.values()) timeout = Math.max(timeout, m.rebalanceTimeoutMs);
    this.phaseDeadline = this.now() + timeout;
    this.log(
      `group ${this.groupId}: generation ${this.generationId} formed with ${this.members.size} member(s), ` +
        `protocol ${this.protocolName}, leader ${this.leaderId}`,
    );
    for (const m of this.members.values()) {
      const resolve = m.awaitingJoin;
      m.awaitingJoin = null;
      m.lastSeen = this.now();
      resolve?.(this.joinResultFor(m));
    }
  }

  private joinResultFor(member: Member): JoinResult {
    const isLeader = member.memberId === this.leaderId;
    return {
      errorCode: ErrorCode.NONE,
      generationId: this.generationId,
      protocolName: this.protocolName ?? '',
      leaderId: this.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...this.members.values()].map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId,
            metadata: this.metadataFor(m),
          }))
        : [],
    };
  }

  private metadataFor(member: Member): Buffer {
    return member.protocols.find((p) => p.name === this.protocolName)?.metadata ?? EMPTY;
  }

  /** Each member votes for its most preferred protocol that every member supports. */
  private selectProtocol(): string {
    const all = [...this.members.values()];
    const candidates = all[0]!.protocols
      .map((p) => p.name)
      .filter((name) => all.every((m) => m.protocols.some((p) => p.name === name)));
    const votes = new Map<string, number>();
    for (const m of all) {
      const choice = m.protocols.find((p) => candidates.includes(p.name));
      if (choice) votes.set(choice.name, (votes.get(choice.name) ?? 0) + 1);
    }
    let best = candidates[0] ?? '';
    for (const name of candidates) if ((votes.get(name) ?? 0) > (votes.get(best) ?? 0)) best = name;
    return best;
  }

  private remove(member: Member, reason: string): void {
    this.members.delete(member.memberId);
    member.awaitingJoin?.(failedJoin(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId));
    member.awaitingSync?.({ errorCode: ErrorCode.UNKNOWN_MEMBER_ID, assignment: EMPTY });
    member.awaitingJoin = null;
    member.awaitingSync = null;
    if (this.leaderId === member.memberId) this.leaderId = null;
    this.log(`group ${this.groupId}: member ${member.memberId} removed (${reason})`);
    if (this.state === 'Stable' || this.state === 'CompletingRebalance') this.prepareRebalance(`member ${reason}`);
    else this.tryCompleteJoin();
  }
}

function sameProtocols(a: readonly ProtocolMetadata[], b: readonly ProtocolMetadata[]): boolean {
  return a.length === b.length && a.every((p, i) => p.name === b[i]!.name && p.metadata.equals(b[i]!.metadata));
}
