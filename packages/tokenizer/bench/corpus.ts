// Real text for benchmarks without a download: the Markdown docs (prose, lists, code samples) and then the
// TypeScript declaration files of the installed packages, read in sorted path order so a lockfile gives the
// same corpus on every machine.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const store = fileURLToPath(new URL('../../../node_modules/.pnpm', import.meta.url));

function filesEndingWith(dir: string, suffix: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) filesEndingWith(path, suffix, out);
    else if (stat?.isFile() && name.endsWith(suffix)) out.push(path);
  }
}

/** At least `bytes` bytes (UTF-8) of text, or all there is; `kind` picks prose first or code only. */
export function benchCorpus(
  bytes: number,
  kind: 'markdown' | 'markdown+code',
): { text: string; files: number } {
  const paths: string[] = [];
  filesEndingWith(store, '.md', paths);
  if (kind === 'markdown+code') filesEndingWith(store, '.d.ts', paths);
  const parts: string[] = [];
  let size = 0;
  for (const path of paths) {
    if (size >= bytes) break;
    const text = readFileSync(path, 'utf8');
    parts.push(text);
    size += Buffer.byteLength(text);
  }
  return { text: parts.join('\n'), files: parts.length };
}
