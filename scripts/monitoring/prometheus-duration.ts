/** Prometheus durations (`5m`, `1h30m`, `2d`) as ISO 8601 durations (`PT5M`, `PT1H30M`, `P2D`), as Azure expects. */
const PROMETHEUS_DURATION = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

export function prometheusDurationToSeconds(duration: string): number {
  const match = PROMETHEUS_DURATION.exec(duration);
  if (!match || duration === '') {
    throw new Error(`"${duration}" is not a Prometheus duration of whole seconds or more (e.g. 30s, 5m, 1h30m)`);
  }
  const [y, w, d, h, m, s] = match.slice(1).map((part) => Number(part ?? 0)) as [number, number, number, number, number, number];
  return ((((y * 365 + w * 7 + d) * 24 + h) * 60 + m) * 60) + s;
}

export function secondsToIsoDuration(totalSeconds: number): string {
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (!days && !time) return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
