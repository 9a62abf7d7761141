// The browser build's terminal.ts: progress lines go to the console, and there is no terminal bar.
import { NodeOnlyError } from '@beyond-ntp/errors';
import type { ProgressStream } from './progress.js';

/** The console: each line written is logged with `console.log`. */
export const defaultProgressStream = (): ProgressStream => ({
  write(text: string) {
    for (const line of text.split('\n')) if (line !== '') console.log(line);
  },
});

/** Rejects: a live progress bar needs a Node terminal. */
export const loadCliProgress: typeof import('./terminal.js').loadCliProgress = () =>
  Promise.reject(
    new NodeOnlyError({
      feature: 'progressReporter with a terminal stream (isTTY: true)',
      module: 'cli-progress, node:readline',
      instead: 'in a browser leave `stream` out to log one line every `logEvery` steps to the console',
    }),
  );
