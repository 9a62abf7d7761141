import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';

/**
 * Runs every ```ts block of a package README as a module (imports resolve to workspace sources) and returns
 * what it logged, so README examples are executed by the test suite instead of rotting.
 */
export async function runReadmeExamples(packageUrl: URL): Promise<string[]> {
  const dir = fileURLToPath(packageUrl);
  const readme = readFileSync(join(dir, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  if (blocks.length === 0) throw new Error(`${join(dir, 'README.md')} has no \`\`\`ts example block`);
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  });
  const tmp = join(dir, '.tmp');
  mkdirSync(tmp, { recursive: true });
  try {
    for (const [i, code] of blocks.entries()) {
      const file = join(tmp, `readme-example-${i}-${process.pid}.ts`);
      writeFileSync(file, code);
      await import(/* @vite-ignore */ file);
    }
  } finally {
    spy.mockRestore();
    rmSync(tmp, { recursive: true, force: true });
  }
  return logs;
}
