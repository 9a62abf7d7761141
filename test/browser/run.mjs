// The browser smoke test: bundles page.ts as an app would (esbuild, --platform=browser, resolving the packages
// through their package.json exports, so their browser entries), serves it with the wasm binaries on loopback,
// and runs each scenario of the page in headless Chromium. Needs Chromium: Debian's `chromium` package
// (/usr/bin/chromium) or the binary named by CHROMIUM_PATH. Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const out = join(here, 'dist');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(
    `browser smoke test: no Chromium at ${chromiumPath}. Install Debian's package (apt-get install chromium) ` +
      'or set CHROMIUM_PATH to a Chromium binary.',
  );
  process.exit(1);
}

// 1. Bundle, exactly as the log says.
rmSync(out, { recursive: true, force: true });
mkdirSync(out);
const esbuild = join(here, 'node_modules/.bin/esbuild');
const bundleArgs = [
  'page.ts',
  '--bundle',
  '--platform=browser',
  '--format=esm',
  '--minify',
  '--outfile=dist/page.js',
];
console.log(`bundle: (cd ${relative(root, here)} && esbuild ${bundleArgs.join(' ')})`);
execFileSync(esbuild, [...bundleArgs, '--log-level=warning'], { cwd: here, stdio: 'inherit' });
const bundle = readFileSync(join(out, 'page.js'));
console.log(
  `bundle size: ${(bundle.length / 1024).toFixed(0)} KiB minified, ${(gzipSync(bundle).length / 1024).toFixed(0)} KiB gzipped`,
);

// 2. Serve the page and the wasm binaries, as an app serves them beside its bundle.
const wasmDist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
const wasmFiles = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];
for (const file of wasmFiles) copyFileSync(join(wasmDist, file), join(out, file));
const wasmBytes = wasmFiles.reduce((sum, file) => sum + statSync(join(out, file)).size, 0);
console.log(
  `wasm binaries served beside the bundle: ${wasmFiles.join(', ')} (${(wasmBytes / 1024).toFixed(0)} KiB)`,
);
const html =
  '<!doctype html><meta charset="utf-8"><title>beyond-ntp smoke</title><link rel="icon" href="data:,"><script type="module" src="page.js"></script>';
const types = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.html': 'text/html' };
const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  // Pages under /isolated/ are cross-origin isolated, which wasm threads (SharedArrayBuffer) need.
  const isolated = url.pathname.startsWith('/isolated/');
  const path = url.pathname.replace(/^\/isolated\//, '/');
  const file = join(out, path === '/' ? 'index.html' : path);
  const headers = isolated
    ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }
    : {};
  if (path === '/') {
    response.writeHead(200, { ...headers, 'Content-Type': types['.html'] }).end(html);
  } else if (file.startsWith(out) && existsSync(file)) {
    response.writeHead(200, {
      ...headers,
      'Content-Type': types[extname(file)] ?? 'application/octet-stream',
    });
    response.end(readFileSync(file));
  } else {
    response.writeHead(404, headers).end('not found');
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

// 3. Each scenario in a fresh page of headless Chromium (a tfjs backend initialises once per page).
const profile = mkdtempSync(join(tmpdir(), 'bntp-chromium-'));
const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  // No background traffic: this machine reaches nothing but loopback.
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
console.log(`chromium: ${browser.version()} (${chromiumPath})`);

const failures = [];
let passed = 0;
function check(scenario, what, ok, detail) {
  if (ok) passed += 1;
  else failures.push(`${scenario}: ${what} (${JSON.stringify(detail)})`);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${scenario}: ${what}${ok ? '' : ` — got ${JSON.stringify(detail)}`}`);
}

async function run(scenario, path) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const lines = [];
  page.on('requestfailed', (request) => console.log(`  [${scenario}] request failed: ${request.url()}`));
  page.on('response', (response) => {
    if (response.status() >= 400) console.log(`  [${scenario}] HTTP ${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    lines.push(message.text());
    console.log(`  [${scenario}] console.${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => console.log(`  [${scenario}] page error: ${error.stack}`));
  await page.goto(`${origin}${path}?scenario=${scenario}`);
  const report = await page.evaluate(() => window.smoke);
  console.log(`  [${scenario}] report: ${JSON.stringify(report)}`);
  await context.close();
  return { report, lines };
}

try {
  const train = await run('train', '/');
  const t = train.report;
  check(
    'train',
    'initBackend() with default options picks wasm',
    t.backend.startsWith('backend: wasm'),
    t.backend,
  );
  check('train', 'trained 30 steps', t.steps === 30, t.steps);
  check(
    'train',
    'with the fused wasm kernels',
    t.fusedKernels && t.fusedKernelsRun.length === 7,
    t.fusedKernelsRun,
  );
  check('train', 'the loss fell by more than a quarter', t.lastLoss < 0.75 * t.firstLoss, [
    t.firstLoss,
    t.lastLoss,
  ]);
  check('train', 'training leaked no tensors', t.tensorsAfter === t.tensorsBefore, [
    t.tensorsBefore,
    t.tensorsAfter,
  ]);
  check(
    'train',
    'progressReporter() logged to the console',
    ['step 10/30 loss', 'step 20/30 loss', 'step 30/30 loss'].every((s) =>
      train.lines.some((l) => l.startsWith(s)),
    ),
    train.lines.filter((l) => l.startsWith('step')),
  );
  check(
    'train',
    'IndexedDB checkpoint round-trips (same logits)',
    t.fromDbSame && t.savedKeys.includes('smoke'),
    t,
  );
  check('train', 'Blob/File checkpoint round-trips (same logits)', t.fromFileSame, t.fromFileSame);
  check('train', 'checkpoints leaked no tensors', t.checkpointTensorsLeaked === 0, t.checkpointTensorsLeaked);
  check(
    'train',
    'Node-only calls reject with NodeOnlyError',
    t.nodeOnly.every((s) => s.startsWith('NODE_ONLY: ')),
    t.nodeOnly,
  );

  const missing = await run('missing-wasm', '/');
  const wasmUrl = `${origin}/missing/tfjs-backend-wasm-simd.wasm`;
  check(
    'missing-wasm',
    `the error names ${wasmUrl} and the wasmPaths option`,
    missing.report.isBeyondNtpError &&
      missing.report.message.includes(wasmUrl) &&
      missing.report.message.includes('wasmPaths'),
    missing.report.message,
  );

  const threads = await run('threads', '/isolated/');
  const r = threads.report;
  check(
    'threads',
    'the page is cross-origin isolated and wasm runs 2 threads',
    r.crossOriginIsolated && r.wasm?.threads,
    r,
  );
  check(
    'threads',
    'the fused kernels run on the shared heap',
    r.fusedKernels && r.fusedKernelsRun.length === 7,
    r.fusedKernelsRun,
  );
  check(
    'threads',
    'and match stock tfjs ops (max |Δlogit| < 1e-4)',
    r.maxDifferenceFromReference < 1e-4,
    r.maxDifferenceFromReference,
  );
  check('threads', 'and leak no tensors', r.tensorsLeaked === 0, r.tensorsLeaked);
} finally {
  await browser.close();
  server.close();
  rmSync(profile, { recursive: true, force: true });
}

console.log(`browser smoke: ${passed} passed, ${failures.length} failed`);
if (failures.length > 0) {
  console.error(`browser smoke test failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
