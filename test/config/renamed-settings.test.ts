import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, RENAMED_VARIABLES, loadConfig } from '../../config/index.js';

describe('renamed settings', () => {
  it('reads the progress RPC timeout under its name, 2000 ms unless set', () => {
    expect(loadConfig({}).PROGRESS_RPC_TIMEOUT_MS).toBe(2_000);
    expect(loadConfig({ PROGRESS_RPC_TIMEOUT_MS: '3500' }).PROGRESS_RPC_TIMEOUT_MS).toBe(3_500);
  });

  it.each(Object.entries(RENAMED_VARIABLES))('refuses %s at start-up, naming %s', (old, renamed) => {
    expect(() => loadConfig({ [old]: '3500' })).toThrow(`invalid configuration: ${old} is no longer read: it was renamed ${renamed}, set that instead`);
    // Set beside the new name too: the old value would otherwise be dropped without a word.
    expect(() => loadConfig({ [old]: '3500', [renamed]: '3500' })).toThrow(`${old} is no longer read`);
  });

  it('names its other problems in the same message', () => {
    const [old] = Object.keys(RENAMED_VARIABLES);
    expect(() => loadConfig({ [old!]: '1', PORT: 'abc' })).toThrow(/renamed .*; PORT must be a number/);
  });

  it('maps old names only to names the schema reads, never to one it still reads', () => {
    for (const [old, renamed] of Object.entries(RENAMED_VARIABLES)) {
      expect(CONFIG_VARIABLES).toContain(renamed);
      expect(CONFIG_VARIABLES).not.toContain(old);
    }
  });
});
