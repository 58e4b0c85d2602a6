import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcStat {
  ppid: number;
  /** user + system of the process itself, and of its children that have exited. */
  ownTicks: number;
  exitedChildrenTicks: number;
}

function procStat(pid: number | string): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      ppid: Number(fields[1]),
      ownTicks: Number(fields[11]) + Number(fields[12]),
      exitedChildrenTicks: Number(fields[13]) + Number(fields[14]),
    };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system) a process and its descendants have used so far, or undefined once
 * it is gone: PostgreSQL does FerretDB's work in one child process per connection.
 */
export function cpuSeconds(pid: number): number | undefined {
  const root = procStat(pid);
  if (!root) return undefined;
  const children = new Map<number, number[]>();
  const stats = new Map<number, ProcStat>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = procStat(entry);
    if (!stat) continue;
    stats.set(Number(entry), stat);
    children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), Number(entry)]);
  }
  let ticks = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const current = pending.pop()!;
    const stat = current === pid ? root : stats.get(current);
    if (stat) ticks += stat.ownTicks + stat.exitedChildrenTicks;
    pending.push(...(children.get(current) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}

function commandName(pid: number | string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Pids of the servers services mode uses, found by command name: Redis, RabbitMQ, Kafka (the
 * only java process services:up starts), FerretDB and the PostgreSQL postmaster behind it.
 */
export function servicePids(): Record<string, number> {
  const found: Record<string, number> = {};
  const names: Record<string, string> = {
    'redis-server': 'redis',
    'beam.smp': 'rabbitmq',
    java: 'kafka',
    'dtq-ferretdb': 'ferretdb',
    postgres: 'postgresql',
  };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const label = names[commandName(entry) ?? ''];
      if (!label || found[label] !== undefined) continue;
      // The Redis Cluster's nodes are redis-server too; services mode uses the one on 6379.
      if (label === 'redis' && !readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(':6379')) continue;
      // The postmaster, not one of its children: children are counted through it.
      if (label === 'postgresql' && commandName(procStat(entry)?.ppid ?? 0) === 'postgres') continue;
      found[label] = Number(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/**
 * Starts counting the CPU time of the given processes (and of this one, as `bench`); `stop`
 * answers the seconds each used since.
 */
export function cpuMeter(pids: Record<string, number>): { stop(): Record<string, number> } {
  const start = new Map(Object.entries(pids).map(([label, pid]) => [label, cpuSeconds(pid)]));
  const self = process.cpuUsage();
  return {
    stop() {
      const used: Record<string, number> = {};
      for (const [label, pid] of Object.entries(pids)) {
        const before = start.get(label);
        const after = cpuSeconds(pid);
        if (before !== undefined && after !== undefined) used[label] = Math.round((after - before) * 100) / 100;
      }
      const own = process.cpuUsage(self);
      used.bench = Math.round((own.user + own.system) / 10_000) / 100;
      return used;
    },
  };
}
