// Packs every publishable package, checks that its exports point at files inside the tarball, installs all
// tarballs with plain npm into a temporary project outside the workspace, and imports each package from
// both ESM and CJS. Run after `pnpm build`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingExportTargets } from './exports-check.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const packages = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

const work = mkdtempSync(join(tmpdir(), 'bntp-pack-smoke-'));
const failures = [];
try {
  const tarballs = [];
  for (const { dir, manifest } of packages) {
    const out = run('pnpm', ['pack', '--pack-destination', work], dir).trim().split('\n').at(-1);
    const tarball = out.startsWith('/') ? out : join(work, out);
    const files = run('tar', ['-tzf', tarball], work)
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));
    const missing = missingExportTargets(manifest, files);
    if (missing.length > 0)
      failures.push(
        `${manifest.name}: exports point at files missing from the tarball: ${missing.join(', ')}`,
      );
    tarballs.push(tarball);
    console.log(`packed ${manifest.name} (${files.length} files)`);
  }

  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'pack-smoke-app', private: true, version: '0.0.0' }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], app);
  console.log(`installed ${tarballs.length} tarballs with npm in ${app}`);

  for (const { manifest } of packages) {
    const name = manifest.name;
    const esm = `const m = await import(${JSON.stringify(name)}); const k = Object.keys(m).filter((x) => x !== 'default'); if (k.length === 0) throw new Error('no exports'); console.log(k.length);`;
    const cjs = `const m = require(${JSON.stringify(name)}); const k = Object.keys(m); if (k.length === 0) throw new Error('no exports'); console.log(k.length);`;
    for (const [kind, args] of [
      ['ESM', ['--input-type=module', '-e', esm]],
      ['CJS', ['-e', cjs]],
    ]) {
      try {
        const count = run('node', args, app).trim();
        console.log(`ok  ${name} from ${kind}: ${count} exports`);
      } catch (error) {
        failures.push(
          `${name} from ${kind}: ${String(error.stderr || error.message)
            .split('\n')
            .slice(0, 5)
            .join(' ')}`,
        );
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`pack smoke test failed:\n- ${failures.join('\n- ')}`);
  process.exit(1);
}
console.log(`pack smoke test passed for ${packages.length} package(s)`);
