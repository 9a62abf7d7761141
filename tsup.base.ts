import type { Options } from 'tsup';

/**
 * The build every package shares: ESM + CJS with `.d.ts`/`.d.cts`, source maps, and tfjs left to the app
 * (packages peer-depend on it, so it must never be bundled). A package's tsup.config.ts spreads this and adds
 * only what differs.
 */
export const packageBuild: Options = {
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: [/^@tensorflow\//],
};
