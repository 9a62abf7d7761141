// Runs benchmarks and writes bench/results/<package>-<name>.json plus bench/results/summary.md.
// Usage: tsx bench/run.ts [--quick] [filter ...]   (filter: `tokenizer` or `tokenizer/encode`)
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Bench, machineInfo, toMarkdown } from './harness.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const filters = args.filter((a) => !a.startsWith('--'));

interface Found {
  id: string;
  file: string;
}

function discover(): Found[] {
  const found: Found[] = [];
  for (const pkg of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', pkg, 'bench');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.bench.ts'))) {
      found.push({ id: `${pkg}/${basename(file, '.bench.ts')}`, file: join(dir, file) });
    }
  }
  return found.filter(
    ({ id }) => filters.length === 0 || filters.some((f) => id === f || id.startsWith(`${f}/`)),
  );
}

const benches = discover();
if (benches.length === 0) {
  console.error(
    `No benchmark matches ${filters.join(', ') || '(any)'}; benchmarks live in packages/*/bench/*.bench.ts`,
  );
  process.exit(1);
}

const outDir = join(root, 'bench/results');
mkdirSync(outDir, { recursive: true });
const machine = machineInfo();
const sections: string[] = [];
let failed = 0;

for (const { id, file } of benches) {
  const log = (message: string) => process.stderr.write(`[${id}] ${message}\n`);
  log(quick ? 'running (quick)' : 'running');
  const started = Date.now();
  try {
    const bench = (await import(pathToFileURL(file).href)).default as Bench;
    const report = await bench({ quick, log });
    const result = {
      id,
      quick,
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      machine,
      report,
    };
    writeFileSync(join(outDir, `${id.replace('/', '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
    sections.push(toMarkdown({ ...report, title: `${report.title} (\`${id}\`)` }));
    log(`done in ${result.seconds.toFixed(1)} s`);
  } catch (error) {
    failed++;
    log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    sections.push(`## ${id}\n\nFailed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

const header = [
  '# Benchmark results',
  '',
  `Measured ${new Date().toISOString()} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ` +
    `Node ${machine.node}, ${machine.platform}, commit ${machine.commit ?? 'unknown'}` +
    `${quick ? ', quick mode' : ''}. Versions: ${Object.entries(machine.versions)
      .map(([k, v]) => `${k}@${v}`)
      .join(', ')}.`,
  '',
].join('\n');
const summary = `${header}\n${sections.join('\n')}`;
writeFileSync(join(outDir, 'summary.md'), summary);
process.stdout.write(summary);
process.exit(failed > 0 ? 1 : 0);
