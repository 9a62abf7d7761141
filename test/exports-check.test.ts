import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM script without type declarations
import { missingExportTargets } from '../scripts/exports-check.mjs';

const manifest = {
  main: './dist/index.cjs',
  types: './dist/index.d.cts',
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './cli': './dist/cli.js',
    './package.json': './package.json',
  },
};
const complete = [
  'package.json',
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
  'dist/index.d.cts',
  'dist/cli.js',
];

describe('missingExportTargets (used by the pack smoke test)', () => {
  it('accepts a tarball that contains every target', () => {
    expect(missingExportTargets(manifest, complete)).toEqual([]);
  });

  it('reports an exports entry pointing at a missing file', () => {
    const files = complete.filter((f) => f !== 'dist/index.d.cts' && f !== 'dist/cli.js');
    expect(missingExportTargets(manifest, files)).toEqual(['dist/index.d.cts', 'dist/cli.js']);
  });
});
