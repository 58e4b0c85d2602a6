import { afterEach, beforeEach, expect, vi } from 'vitest';

/**
 * Fails a component test when React (development build) or our code writes to console.error or
 * console.warn: missing keys, bad props and act() warnings all surface there.
 */
export function failOnConsoleOutput(): void {
  let calls: string[] = [];
  beforeEach(() => {
    calls = [];
    for (const level of ['error', 'warn'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        calls.push(`console.${level}: ${args.map(String).join(' ')}`);
      });
    }
  });
  afterEach(() => {
    expect(calls).toEqual([]);
  });
}
