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
 * package's would) and returns what it logged. A block tagged with a file name (```ts file=replica.ts) is not
 * run but written beside the examples under that name, for them to load (e.g. a worker module). Each call works
 * in its own temporary folder, so suites running at once (one per backend) never collide.
 */
export async function runMarkdownExamples(markdownUrl: URL, packageUrl: URL): Promise<string[]> {
  const dir = fileURLToPath(packageUrl);
  const markdownPath = fileURLToPath(markdownUrl);
  const fenced = [...readFileSync(markdownPath, 'utf8').matchAll(/```(\w+)(?: file=(\S+))?\n([\s\S]*?)```/g)];
  const blocks = fenced.filter((m) => m[1] === 'ts' && m[2] === undefined).map((m) => m[3] ?? '');
  const files = fenced.flatMap((m) => (m[2] === undefined ? [] : [[m[2], m[3] ?? ''] as const]));
  if (blocks.length === 0) throw new Error(`${markdownPath} has no \`\`\`ts example block`);
  const logs: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    logs.push(args.map(String).join(' '));
  });
  mkdirSync(join(dir, '.tmp'), { recursive: true });
  const tmp = mkdtempSync(join(dir, '.tmp', 'readme-'));
  // Worker threads load these files through tsx, which resolves workspace package names with the root
  // tsconfig's paths (as the test aliases do for this thread), whatever the working directory. Set here for the
  // workers (which copy the environment), not an input of the task.
  const tsconfigVariable = 'TSX_TSCONFIG_PATH';
  const tsconfig = process.env[tsconfigVariable];
  process.env[tsconfigVariable] = fileURLToPath(new URL('../tsconfig.json', import.meta.url));
  try {
    for (const [name, code] of files) writeFileSync(join(tmp, name), code);
    for (const [i, code] of blocks.entries()) {
      const file = join(tmp, `example-${i}.ts`);
      writeFileSync(file, code);
      await import(/* @vite-ignore */ file);
    }
  } finally {
    if (tsconfig === undefined) delete process.env[tsconfigVariable];
    else process.env[tsconfigVariable] = tsconfig;
    spy.mockRestore();
    rmSync(tmp, { recursive: true, force: true });
  }
  return logs;
}
