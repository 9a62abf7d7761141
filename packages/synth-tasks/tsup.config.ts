import { defineConfig } from 'tsup';
import { browserBuild, packageBuild } from '../../tsup.base.js';

export default defineConfig([
  {
    ...packageBuild,
    entry: ['src/index.ts', 'src/cli.ts'],
    // Types only for the library entry; the CLI is an executable, not an import target.
    dts: { entry: 'src/index.ts' },
  },
  browserBuild({ nodeOnlyDependencies: ['cli-progress', 'commander'] }),
]);
