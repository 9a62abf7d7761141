// Where progress goes by default, and the terminal progress bar. The browser build replaces this module with
// terminal.browser.ts, so a browser bundle never meets cli-progress (which needs Node's readline and events).
import type { ProgressStream } from './progress.js';

/** `process.stdout`. */
export const defaultProgressStream = (): ProgressStream => process.stdout;

/** cli-progress, imported lazily: only a terminal stream shows a live bar. */
export const loadCliProgress = () => import('cli-progress');
