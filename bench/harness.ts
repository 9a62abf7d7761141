import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';

/** What every benchmark receives from the harness. */
export interface BenchContext {
  /** A cheaper variant of the benchmark (CI smoke, quick checks); full runs measure more and longer. */
  quick: boolean;
  /** Progress output for long benchmarks (stderr, never part of the results). */
  log: (message: string) => void;
}

/** A value in a result table cell. */
export type BenchValue = string | number | boolean | null;

/** What a benchmark returns: one table of measurements, plus notes explaining them. */
export interface BenchReport {
  title: string;
  rows: Array<Record<string, BenchValue>>;
  notes?: string[];
}

/** A benchmark module's default export. */
export type Bench = (ctx: BenchContext) => Promise<BenchReport>;

/** The machine a result was measured on; stored with every result so numbers are never compared blind. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  platform: string;
  node: string;
  commit: string | null;
  versions: Record<string, string>;
}

function packageVersion(name: string): string | null {
  try {
    const require = createRequire(import.meta.url);
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')).version;
  } catch {
    return null;
  }
}

function gitCommit(): string | null {
  try {
    const dirty = execSync('git status --porcelain', { encoding: 'utf8' }).trim() !== '';
    return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim() + (dirty ? '+dirty' : '');
  } catch {
    return null;
  }
}

export function machineInfo(): MachineInfo {
  const versions: Record<string, string> = {};
  for (const name of [
    '@tensorflow/tfjs-core',
    '@tensorflow/tfjs-backend-wasm',
    '@tensorflow/tfjs-backend-cpu',
  ]) {
    const v = packageVersion(name);
    if (v) versions[name] = v;
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()}-${os.arch()}`,
    node: process.version,
    commit: gitCommit(),
    versions,
  };
}

function cell(value: BenchValue): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return value === null ? '—' : String(value);
}

/** Renders a report as a markdown section (title, table, notes). */
export function toMarkdown(report: BenchReport): string {
  const columns = [...new Set(report.rows.flatMap((row) => Object.keys(row)))];
  const lines = [`## ${report.title}`, ''];
  if (columns.length > 0) {
    lines.push(`| ${columns.join(' | ')} |`, `|${columns.map(() => ' --- |').join('')}`);
    for (const row of report.rows) lines.push(`| ${columns.map((c) => cell(row[c] ?? null)).join(' | ')} |`);
  }
  for (const note of report.notes ?? []) lines.push('', `- ${note}`);
  return `${lines.join('\n')}\n`;
}

/** Median of a non-empty sample; benchmarks report medians so one slow GC pause does not move the result. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
