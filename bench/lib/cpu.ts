import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far, or undefined once it is gone. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Pids of the machine's Redis and RabbitMQ servers, found by command name. */
export function servicePids(): Record<string, number> {
  const found: Record<string, number> = {};
  const names: Record<string, string> = { 'redis-server': 'redis', 'beam.smp': 'rabbitmq' };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
      const label = names[comm];
      if (label && found[label] === undefined) found[label] = Number(entry);
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
