import { afterEach } from 'vitest';

/**
 * Registers an afterEach that closes, newest first, everything a test opened; returns the
 * function tests call to register a closer.
 */
export function closeAfterEach(): (close: () => Promise<void>) => void {
  const open: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of open.splice(0).reverse()) await close();
  });
  return (close) => {
    open.push(close);
  };
}
