import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vi } from 'vitest';

/**
 * Runs every ```ts block of a package README as a module (imports resolve to workspace sources) and returns
 * what it logged, so README examples are executed by the test suite instead of rotting.
 */
export function runReadmeExamples(packageUrl: URL): Promise<string[]> {
  return runMarkdownExamples(new URL('README.md', packageUrl), packageUrl);
}

/**
 * Runs every ```ts block of a Markdown file as a module inside `packageUrl` (so its imports resolve as that
 * package's would) and returns what it logged. Each call works in its own temporary folder, so suites running
 * at once (one per backend) never collide.
 */
export async function runMarkdownExamples(markdownUrl: URL, packageUrl: URL): Promise<string[]> {
  const dir = fileURLToPath(packageUrl);
  const markdownPath = fileURLToPath(markdownUrl);
  const blocks = [...readFileSync(markdownPath, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map(
    (m) => m[1] ?? '',
  );
  if (blocks.length === 0) throw new Error(`${markdownPath} has no \`\`\`ts example block`);
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  });
  mkdirSync(join(dir, '.tmp'), { recursive: true });
  const tmp = mkdtempSync(join(dir, '.tmp', 'readme-'));
  try {
    for (const [i, code] of blocks.entries()) {
      const file = join(tmp, `example-${i}.ts`);
      writeFileSync(file, code);
      await import(/* @vite-ignore */ file);
    }
  } finally {
    spy.mockRestore();
    rmSync(tmp, { recursive: true, force: true });
  }
  return logs;
}
