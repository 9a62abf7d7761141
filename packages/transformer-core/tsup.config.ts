import { defineConfig } from 'tsup';
import { browserBuild, packageBuild } from '../../tsup.base.js';

export default defineConfig([packageBuild, browserBuild({ nodeOnlyDependencies: ['cli-progress'] })]);
