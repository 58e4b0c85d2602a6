/** Sums every sample of one metric in Prometheus text, optionally only those whose labels match. */
export function sumMetric(text: string, name: string, labelFilter?: (labels: string) => boolean): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    let labels = '';
    let value: string | undefined;
    if (rest.startsWith('{')) {
      const close = rest.indexOf('}');
      labels = rest.slice(1, close);
      value = rest.slice(close + 1).trim().split(' ')[0];
    } else if (rest.startsWith(' ')) {
      value = rest.trim().split(' ')[0];
    } else {
      continue; // another metric whose name starts with this one
    }
    if (labelFilter && !labelFilter(labels)) continue;
    total += Number(value);
  }
  return total;
}
