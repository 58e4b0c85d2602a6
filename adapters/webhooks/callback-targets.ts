import { lookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { CallbackTarget, CallbackTargets } from '../../core/ports/index.js';
import { withinDeadline } from '../../core/time/index.js';

/** How long resolving a callback host may take. */
export const CALLBACK_LOOKUP_DEADLINE_MS = 3_000;

/** Resolves a host name to every address it has; the default is the system resolver (getaddrinfo). */
export type ResolveHost = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export interface CheckedCallbackTargetsOptions {
  /** CALLBACK_ALLOWED_HOSTS, lower case; undefined or empty allows every host with a public address. */
  allowedHosts?: readonly string[];
  resolveHost?: ResolveHost;
  lookupDeadlineMs?: number;
}

/**
 * The callback rules: with CALLBACK_ALLOWED_HOSTS set only its hosts are called; in any case a
 * host that is an address, or resolves to one, outside the public unicast space (private,
 * loopback, link-local, unique-local, CGNAT, multicast, unspecified, reserved, IPv4-mapped and
 * the other IPv6 forms that embed an IPv4 address...) is refused unless it is listed. Every
 * address the host resolves to is checked, and the first is the one to connect to.
 * Addresses are classified by ipaddr.js, whose ranges follow the IANA special-purpose registries.
 */
export class CheckedCallbackTargets implements CallbackTargets {
  private readonly allowed: ReadonlySet<string> | undefined;
  private readonly resolveHost: ResolveHost;
  private readonly deadlineMs: number;

  constructor(options: CheckedCallbackTargetsOptions = {}) {
    this.allowed = options.allowedHosts && options.allowedHosts.length > 0 ? new Set(options.allowedHosts.map(normalizeHost)) : undefined;
    this.resolveHost = options.resolveHost ?? ((hostname) => lookup(hostname, { all: true, verbatim: true }));
    this.deadlineMs = options.lookupDeadlineMs ?? CALLBACK_LOOKUP_DEADLINE_MS;
  }

  async resolve(raw: string): Promise<CallbackTarget> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return { ok: false, problem: 'must be an http:// or https:// URL' };
    }
    const host = normalizeHost(url.hostname);
    const listed = this.allowed?.has(host) ?? false;
    if (this.allowed && !listed) return { ok: false, problem: `names host ${host}, which is not one of the hosts this deployment calls back (CALLBACK_ALLOWED_HOSTS)` };

    let addresses: Array<{ address: string; family: number }>;
    if (ipaddr.isValid(host)) {
      addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
    } else {
      try {
        addresses = await withinDeadline(this.resolveHost(host), this.deadlineMs, () => new Error(`no answer within ${this.deadlineMs} ms`));
      } catch (error) {
        return { ok: false, problem: `names host ${host}, which could not be resolved (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` };
      }
      if (addresses.length === 0) return { ok: false, problem: `names host ${host}, which resolves to no address` };
    }
    if (!listed) {
      for (const { address } of addresses) {
        const range = addressRange(address);
        if (range !== 'unicast') {
          const where = address === host ? `names ${host}` : `names host ${host}, which resolves to ${address}`;
          return { ok: false, problem: `${where}, a ${describeRange(range)} address dtq does not call (list the host in CALLBACK_ALLOWED_HOSTS to allow it)` };
        }
      }
    }
    const first = addresses[0]!;
    return { ok: true, url, address: first.address, family: first.family === 6 ? 6 : 4 };
  }
}

/** The range of an address as ipaddr.js names it, an IPv4-mapped IPv6 address judged as the IPv4 address it carries. */
export function addressRange(address: string): string {
  return ipaddr.process(address).range();
}

const RANGE_WORDS: Record<string, string> = {
  private: 'private',
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  carrierGradeNat: 'carrier-grade NAT',
  multicast: 'multicast',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
};

function describeRange(range: string): string {
  return RANGE_WORDS[range] ?? `non-public (${range})`;
}

/** Lower case, without the brackets of an IPv6 literal: as URL.hostname and CALLBACK_ALLOWED_HOSTS may each write it. */
export function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase();
  return lower.startsWith('[') && lower.endsWith(']') ? lower.slice(1, -1) : lower;
}
