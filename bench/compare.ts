// Before/after in one run: runs the same benchmark on an earlier commit and on this checkout, alternating
// (base, head, base, head, …) so machine drift hits both sides alike, and tabulates the median ms/step of every
// row both sides report.
// Usage: tsx bench/compare.ts --base <commit> [--rounds 3] [--quick] <package/bench>
// Results: bench/results/compare-<package>-<bench>.json and .md. The base checkout is a temporary git worktree.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchReport, type BenchValue, median, toMarkdown } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values, positionals } = parseArgs({
  options: {
    base: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    quick: { type: 'boolean', default: false },
    metric: { type: 'string', default: 'ms/step' },
  },
  allowPositionals: true,
});
const [id] = positionals;
const rounds = Number(values.rounds);
if (values.base === undefined || id === undefined || !id.includes('/') || !(rounds >= 1)) {
  console.error('usage: tsx bench/compare.ts --base <commit> [--rounds N] [--quick] <package/bench>');
  process.exit(2);
}
const metric = values.metric as string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const baseCommit = git('rev-parse', '--short', values.base);
const headCommit = git('rev-parse', '--short', 'HEAD');
const baseDir = join(tmpdir(), `bntp-bench-base-${baseCommit}`);

if (!existsSync(baseDir)) git('worktree', 'add', '--detach', baseDir, baseCommit);
execFileSync('pnpm', ['install', '--frozen-lockfile', '--prefer-offline'], {
  cwd: baseDir,
  stdio: 'inherit',
});

// Every row is keyed by its text columns (backend, shape, kernels …); the metric is compared per key.
type Row = Record<string, BenchValue>;
const keyOf = (row: Row) =>
  Object.entries(row)
    .filter(([, v]) => typeof v === 'string')
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

function runOnce(dir: string): Row[] {
  const args = ['exec', 'tsx', 'bench/run.ts', ...(values.quick ? ['--quick'] : []), id as string];
  execFileSync('pnpm', args, { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
  const file = join(dir, 'bench/results', `${(id as string).replace('/', '-')}.json`);
  return (JSON.parse(readFileSync(file, 'utf8')) as { report: BenchReport }).report.rows as Row[];
}

const samples = { base: new Map<string, number[]>(), head: new Map<string, number[]>() };
for (let round = 1; round <= rounds; round++) {
  for (const side of ['base', 'head'] as const) {
    process.stderr.write(`[compare] round ${round}/${rounds}: ${side}\n`);
    for (const row of runOnce(side === 'base' ? baseDir : root)) {
      const value = row[metric];
      if (typeof value !== 'number') continue;
      const key = keyOf(row);
      samples[side].set(key, [...(samples[side].get(key) ?? []), value]);
    }
  }
}

const rows: Row[] = [];
for (const [key, base] of samples.base) {
  const head = samples.head.get(key);
  if (head === undefined) continue;
  const [b, h] = [median(base), median(head)];
  rows.push({
    row: key,
    [`base ${metric}`]: b,
    [`head ${metric}`]: h,
    'head ÷ base': h / b,
  });
}
const report: BenchReport = {
  title: `${id}: head ${headCommit} against base ${baseCommit}`,
  rows,
  notes: [
    `median ${metric} over ${rounds} alternating rounds (base, head, base, head, …) in one run` +
      `${values.quick ? ', benchmark in quick mode' : ''}; rows only one side reports are left out.`,
  ],
};
const outDir = join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
const stem = join(outDir, `compare-${id.replace('/', '-')}`);
writeFileSync(`${stem}.json`, `${JSON.stringify({ base: baseCommit, head: headCommit, report }, null, 2)}\n`);
writeFileSync(`${stem}.md`, toMarkdown(report));
process.stdout.write(toMarkdown(report));
git('worktree', 'remove', '--force', baseDir);
rmSync(baseDir, { recursive: true, force: true });
