import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import type { GitState } from './experiment.js';

/**
 * The commit checked out in `dir` and whether tracked files differ from it, or null outside a git work tree or
 * without git. Untracked files (such as the results being written) do not count as changes.
 */
export function gitState(dir: string): GitState | null {
  try {
    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

/** The top folder of the git work tree holding `dir`, or null. */
export function gitRoot(dir: string): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/**
 * The command that ran the experiment, as one would retype it from `root` (the repository): the runner (`tsx` for
 * a TypeScript entry point, else `node`), the script path relative to `root`, and the arguments, shell-quoted
 * where needed. E.g. `tsx examples/mtp-induction/src/main.ts --quick --seeds 5`.
 */
export function commandLine(args: {
  script: string | undefined;
  argv: readonly string[];
  root: string;
}): string {
  const script = args.script === undefined ? '<script>' : relative(args.root, args.script) || args.script;
  const runner = /\.[cm]?ts$/.test(script) ? 'tsx' : 'node';
  return [runner, script, ...args.argv].map(shellQuote).join(' ');
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
