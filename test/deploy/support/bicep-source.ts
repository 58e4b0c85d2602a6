// Reads the structure of Bicep files without a Bicep compiler: declarations, module references,
// object literal keys. Strings and comments are masked first, so braces and colons inside them
// (interpolations, URLs) never confuse the scan.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/processes.js';

export interface BicepFile {
  path: string;
  text: string;
  /** text with string and comment contents replaced by spaces (same offsets, same newlines) */
  masked: string;
}

export function readBicep(relativePath: string): BicepFile {
  const text = readFileSync(join(REPO_ROOT, relativePath), 'utf8');
  return { path: relativePath, text, masked: maskStringsAndComments(text) };
}

export function maskStringsAndComments(text: string): string {
  const out = text.split('');
  const blank = (from: number, to: number) => {
    for (let i = from; i < to; i++) if (out[i] !== '\n') out[i] = ' ';
  };
  // Contexts: code, a string, or an interpolation inside a string (code with its own brace depth).
  type Context = { kind: 'code' } | { kind: 'string' } | { kind: 'interp'; depth: number };
  const stack: Context[] = [{ kind: 'code' }];
  let outerStringStart = -1;
  let i = 0;
  while (i < text.length) {
    const top = stack[stack.length - 1]!;
    const c = text[i]!;
    if (top.kind === 'string') {
      if (c === '\\') i += 2;
      else if (text.startsWith('${', i)) {
        stack.push({ kind: 'interp', depth: 0 });
        i += 2;
      } else {
        if (c === "'") {
          stack.pop();
          if (stack.length === 1) blank(outerStringStart + 1, i);
        }
        i += 1;
      }
    } else if (stack.length === 1 && text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (stack.length === 1 && text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (stack.length === 1 && text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      const stop = end < 0 ? text.length : end + 3;
      blank(i + 3, stop - 3);
      i = stop;
    } else if (c === "'") {
      if (stack.length === 1) outerStringStart = i;
      stack.push({ kind: 'string' });
      i += 1;
    } else if (top.kind === 'interp' && c === '{') {
      top.depth += 1;
      i += 1;
    } else if (top.kind === 'interp' && c === '}') {
      if (top.depth === 0) stack.pop();
      else top.depth -= 1;
      i += 1;
    } else i += 1;
  }
  return out.join('');
}

export interface BicepParam {
  name: string;
  type: string;
  /** source text of the default value, if the parameter has one */
  defaultText?: string;
}

export function declaredParams(file: BicepFile): BicepParam[] {
  return [...file.text.matchAll(/^param\s+(\w+)\s+(\w+)(?:\s*=\s*(.+))?$/gm)].map((m) => ({
    name: m[1]!,
    type: m[2]!,
    ...(m[3] === undefined ? {} : { defaultText: m[3].trim() }),
  }));
}

/** Parameters a .bicepparam file assigns. */
export function assignedParams(file: BicepFile): Map<string, string> {
  return new Map([...file.text.matchAll(/^param\s+(\w+)\s*=\s*(.+)$/gm)].map((m) => [m[1]!, m[2]!.trim()]));
}

export function declaredOutputs(file: BicepFile): string[] {
  return [...file.text.matchAll(/^output\s+(\w+)\s+\w+\s*=/gm)].map((m) => m[1]!);
}

export function moduleReferences(file: BicepFile): Array<{ symbol: string; path: string }> {
  return [...file.text.matchAll(/^module\s+(\w+)\s+'([^']+)'/gm)].map((m) => ({ symbol: m[1]!, path: m[2]! }));
}

/** Paths given to loadJsonContent/loadYamlContent/loadTextContent. */
export function loadedFiles(file: BicepFile): string[] {
  return [...file.text.matchAll(/\bload(?:Json|Yaml|Text|FileAsBase64)Content\(\s*'([^']+)'/g)].map((m) => m[1]!);
}

/** Top-level keys (and their value text) of the object literal that follows `anchor` in the masked text. */
export function objectAfter(file: BicepFile, anchor: RegExp, from = 0): Map<string, string> {
  const found = anchor.exec(file.masked.slice(from));
  if (!found) throw new Error(`${file.path}: nothing matches ${anchor}`);
  const open = file.masked.indexOf('{', from + found.index + found[0].length - 1);
  return objectEntries(file, open);
}

/** The `params: { ... }` of a module declaration. */
export function moduleParams(file: BicepFile, symbol: string): Map<string, string> {
  const declaration = new RegExp(`^module\\s+${symbol}\\s+'[^']*'\\s*=\\s*\\{`, 'm').exec(file.masked);
  if (!declaration) throw new Error(`${file.path}: no module ${symbol}`);
  const body = objectEntries(file, declaration.index + declaration[0].length - 1);
  const params = body.get('params');
  if (params === undefined) return new Map();
  const start = file.text.indexOf(params, declaration.index);
  return objectEntries(file, start);
}

/** Literal values of `property: '...'` anywhere in the file (no interpolation). */
export function literalValues(file: BicepFile, property: string): string[] {
  return [...file.text.matchAll(new RegExp(`\\b${property}:\\s*'([^'$]*)'`, 'g'))].map((m) => m[1]!);
}

function objectEntries(file: BicepFile, open: number): Map<string, string> {
  if (file.masked[open] !== '{') throw new Error(`${file.path}: expected an object literal at offset ${open}`);
  const entries = new Map<string, string>();
  let depth = 0;
  let segmentStart = open + 1;
  const flush = (end: number) => {
    const raw = file.text.slice(segmentStart, end);
    const masked = file.masked.slice(segmentStart, end);
    const key = /^\s*([A-Za-z_]\w*)\s*:/.exec(masked) ?? /^\s*'([^'$]+)'\s*:/.exec(raw);
    if (key) entries.set(key[1]!, raw.slice(key[0].length).trim());
  };
  for (let i = open + 1; i < file.masked.length; i++) {
    const c = file.masked[i]!;
    if (c === '{' || c === '[' || c === '(') depth += 1;
    else if ((c === '}' || c === ']' || c === ')') && depth > 0) depth -= 1;
    else if (c === '}' && depth === 0) {
      flush(i);
      return entries;
    } else if ((c === ',' || c === '\n') && depth === 0) {
      flush(i);
      segmentStart = i + 1;
    }
  }
  throw new Error(`${file.path}: unterminated object literal at offset ${open}`);
}

/** Bodies of the resources of one type declared (not `existing`, not in a loop; conditions may nest one call deep) in a file. */
export function declaredResources(file: BicepFile, type: string): Array<Map<string, string>> {
  const pattern = new RegExp(`^resource\\s+\\w+\\s+'${type.replace(/[./]/g, '\\$&')}@[^']+'\\s*=\\s*(?:if\\s*\\((?:[^()]|\\([^()]*\\))*\\)\\s*)?\\{`, 'gm');
  return [...file.text.matchAll(pattern)].map((m) => objectAfter(file, /\{/, m.index + m[0].length - 1));
}
