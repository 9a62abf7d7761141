import { existsSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { resolve } from 'node:path';
import type { Options } from 'tsup';

/** An esbuild plugin, as tsup (which bundles its own esbuild) types it. */
type Plugin = NonNullable<Options['esbuildPlugins']>[number];

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
  // Empties dist/ but for the browser entry, which browserBuild writes at the same time (maybe first).
  clean: ['!index.browser.*'],
  target: 'es2022',
  external: [/^@tensorflow\//],
};

/** What {@link browserBuild} needs to know about a package. */
export interface BrowserBuildOptions {
  /** Dependencies only Node can run (e.g. `cli-progress`); the build fails if the browser entry reaches one. */
  nodeOnlyDependencies?: string[];
}

/**
 * The browser entry `dist/index.browser.js` (ESM), which package.json serves under the `browser` export
 * condition. It is the same `src/index.ts` with every module that has a `<name>.browser.ts` sibling replaced by
 * that sibling, which keeps the module's exports but has its Node-only features throw `NodeOnlyError`. The build
 * fails when the output still imports a Node built-in or a listed Node-only dependency, so a browser bundle of
 * the package never meets "Could not resolve".
 */
export function browserBuild(options: BrowserBuildOptions = {}): Options {
  return {
    entry: { 'index.browser': 'src/index.ts' },
    format: ['esm'],
    platform: 'browser',
    dts: false, // the browser entry has the same API, typed by dist/index.d.ts
    sourcemap: true,
    clean: false, // runs beside packageBuild, which cleans dist/
    target: 'es2022',
    external: [/^@tensorflow\//],
    esbuildPlugins: [browserSiblings(options.nodeOnlyDependencies ?? [])],
    esbuildOptions(esbuild) {
      esbuild.metafile = true;
    },
  };
}

function browserSiblings(nodeOnlyDependencies: string[]): Plugin {
  const nodeOnly = (path: string) =>
    isBuiltin(path) || nodeOnlyDependencies.some((name) => path === name || path.startsWith(`${name}/`));
  return {
    name: 'browser-siblings',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const sibling = `${resolve(args.resolveDir, args.path).replace(/\.js$/, '')}.browser.ts`;
        // A sibling may re-export the module it replaces; only its own import of that module is not redirected.
        if (args.importer === sibling || !existsSync(sibling)) return undefined;
        return { path: sibling };
      });
      // Node-only imports left in modules that a sibling replaces are dropped as unused; the check below fails
      // the build if any survives.
      build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, external: true }));
      build.onEnd((result) => {
        const reached = Object.entries(result.metafile?.outputs ?? {}).flatMap(([file, output]) =>
          output.imports
            .filter((i) => i.external && nodeOnly(i.path))
            .map((i) => `${file} imports ${i.path}`),
        );
        if (reached.length > 0) {
          throw new Error(
            `The browser entry reaches Node-only modules (give the module importing each a .browser.ts sibling):\n  ${reached.join('\n  ')}`,
          );
        }
      });
    },
  };
}
