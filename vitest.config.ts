import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type TestProjectInlineConfiguration } from 'vitest/config';

// One project per package. Packages that peer-depend on tfjs-core run twice, once per backend, so every
// model-side test is checked on the pure-JS `cpu` backend and the embedded `wasm` backend.
// `BNTP_BACKEND=cpu pnpm test` keeps only one backend.
const root = fileURLToPath(new URL('.', import.meta.url));
const backends = process.env.BNTP_BACKEND ? [process.env.BNTP_BACKEND] : ['cpu', 'wasm'];

interface Manifest {
  name: string;
  peerDependencies?: Record<string, string>;
}

function workspaceDirs(group: 'packages' | 'examples'): string[] {
  const base = join(root, group);
  if (!existsSync(base)) return [];
  return readdirSync(base)
    .map((name) => join(base, name))
    .filter((dir) => existsSync(join(dir, 'package.json')));
}

const manifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

// Tests import packages by name; resolve those names to sources so no build is needed to test.
const alias = Object.fromEntries(
  workspaceDirs('packages').map((dir) => [manifest(dir).name, join(dir, 'src/index.ts')]),
);

function projectsFor(dir: string): TestProjectInlineConfiguration[] {
  const { name, peerDependencies = {} } = manifest(dir);
  const base = {
    extends: true as const, // inherit the root test options (timeouts, pool); vitest 4 inline projects do not by default
    root: dir,
    resolve: { alias },
    test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
  };
  const modelSide = '@tensorflow/tfjs-core' in peerDependencies && name !== '@beyond-ntp/runtime';
  if (!modelSide) return [{ ...base, test: { ...base.test, name } }];
  return backends.map((backend) => ({
    ...base,
    test: {
      ...base.test,
      name: `${name} (${backend})`,
      env: { BNTP_BACKEND: backend },
      setupFiles: [join(root, 'test/setup-backend.ts')],
    },
  }));
}

export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        resolve: { alias },
        test: { name: 'workspace', root, include: ['test/**/*.test.ts'] },
      },
      ...[...workspaceDirs('packages'), ...workspaceDirs('examples')].flatMap(projectsFor),
    ],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
