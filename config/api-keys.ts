import { readFileSync } from 'node:fs';

/** What a key may contain: it travels in a header, so visible ASCII, and no comma (the list separator). */
const KEY_PATTERN = /^[\x21-\x2b\x2d-\x7e]+$/;

/** Keys of API_KEYS: comma-separated; blanks around and between are ignored. */
export function parseKeyList(value: string): string[] {
  return value
    .split(',')
    .map((key) => key.trim())
    .filter((key) => key.length > 0);
}

/** Keys of an API_KEYS_FILE: one per line; blank lines and `#` comments (whole line or after a space) ignored. */
export function parseKeyFile(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line.length > 0);
}

/**
 * Why a key list cannot be used, or undefined when it can. The message never repeats a key:
 * configuration errors are printed.
 */
export function keyListProblem(keys: string[], where: (index: number) => string): string | undefined {
  if (keys.length === 0) return 'holds no API key';
  // App Service leaves a Key Vault reference it cannot resolve as the setting's text, which must
  // never become a key anyone who knows the vault's name could send.
  const reference = keys.findIndex((key) => key.startsWith('@Microsoft.KeyVault('));
  if (reference >= 0) return `${where(reference)} is a Key Vault reference that did not resolve (may the app's identity read the secret?)`;
  const bad = keys.findIndex((key) => !KEY_PATTERN.test(key));
  if (bad >= 0) return `${where(bad)} is not a usable key: keys are visible ASCII characters without spaces or commas`;
  return undefined;
}

/** Reads an API_KEYS_FILE; the error names the problem, not the file's content. */
export function readKeyFile(path: string): string[] {
  return parseKeyFile(readFileSync(path, 'utf8'));
}

/** Every API key the configuration names (API_KEYS and API_KEYS_FILE together), without duplicates. */
export function readApiKeys(config: { API_KEYS?: string | undefined; API_KEYS_FILE?: string | undefined }): string[] {
  const keys = [
    ...(config.API_KEYS ? parseKeyList(config.API_KEYS) : []),
    ...(config.API_KEYS_FILE ? readKeyFile(config.API_KEYS_FILE) : []),
  ];
  return [...new Set(keys)];
}
