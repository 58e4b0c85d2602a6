import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { JOB_PRIORITIES } from '../../contracts/job-priority.js';

// Event Hubs Standard holds 10 hubs per namespace; dtq deploys one hub per job type and priority
// plus the dead-letter hub. A tier that cannot hold them fails the deployment half-way.
const STANDARD_HUBS_PER_NAMESPACE = 10;
const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

describe('Event Hubs tier against the hubs the catalog needs', () => {
  const jobTypes = JSON.parse(read('bicep/generated/job-types.json')) as string[];
  const hubs = jobTypes.length * JOB_PRIORITIES.length + 1;

  it('the module makes one hub per job type and priority, and the dead-letter hub', () => {
    const module = read('bicep/modules/event-hubs.bicep');
    expect(module).toContain("var prioritySuffixes = ['', '.high', '.low']");
    expect(module).toContain("range(0, length(jobTypes) * 3): replace(topicTemplate, '%s', '${jobTypes[i / 3]}${prioritySuffixes[i % 3]}')");
    expect(module).toContain('concat(jobTopics, [deadLetterTopic])');
  });

  it('defaults to a tier that holds them, and no parameter file picks one that does not', () => {
    const fits = (sku: string) => sku !== 'Standard' || hubs <= STANDARD_HUBS_PER_NAMESPACE;
    const defaultSku = /param eventHubsSku string = '(\w+)'/.exec(read('bicep/main.bicep'))?.[1];
    expect(defaultSku, 'main.bicep declares eventHubsSku with a default').toBeDefined();
    expect(fits(defaultSku!), `${hubs} hubs do not fit in ${defaultSku}`).toBe(true);
    for (const file of ['bicep/main.dev.bicepparam', 'bicep/main.prod.bicepparam']) {
      const sku = /param eventHubsSku = '(\w+)'/.exec(read(file))?.[1];
      if (sku) expect(fits(sku), `${file}: ${hubs} hubs do not fit in ${sku}`).toBe(true);
    }
  });
});
