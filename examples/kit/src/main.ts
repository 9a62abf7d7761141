import { fileURLToPath } from 'node:url';
import { describeBackend, initBackend } from '@beyond-ntp/runtime';
import { helpText, parseCli } from './cli.js';
import { KitError } from './errors.js';
import type { Experiment } from './experiment.js';
import type { Json } from './json.js';
import type { ProgressStream } from './progress.js';
import { commandLine, gitRoot, gitState } from './provenance.js';
import type { ResultsFile } from './report.js';
import { runExperiment } from './runner.js';

/** Options of {@link main}; every field defaults to the running process. */
export interface MainOptions {
  /** Arguments after the script path. @default process.argv.slice(2) */
  argv?: readonly string[];
  /** The script being run, for the recorded command line. @default process.argv[1] */
  script?: string;
  /** Progress and reports. @default process.stdout */
  stdout?: ProgressStream;
  /** Usage errors. @default process.stderr */
  stderr?: ProgressStream;
  /** Draw a live progress bar. @default a terminal outside CI */
  live?: boolean;
}

/**
 * The whole command-line app of an experiment: parses the flags (`--help` prints the help text), initialises the
 * backend (`--backend`, else `BNTP_BACKEND`, else automatic), records the commit and command line, and runs the
 * experiment (see `runExperiment`). A usage error (a kit flag, or an app option the experiment's `conditions`
 * refuses with a `USAGE` KitError) is printed with a pointer to `--help` and sets `process.exitCode = 2`; any
 * other error propagates. Resolves to the final `results.json` content, or undefined
 * after `--help` or a usage error.
 */
export async function main<C extends Json>(
  experiment: Experiment<C>,
  options: MainOptions = {},
): Promise<ResultsFile | undefined> {
  const argv = options.argv ?? process.argv.slice(2);
  const stdout = options.stdout ?? process.stdout;
  const stderr = options.stderr ?? process.stderr;
  const dir = typeof experiment.dir === 'string' ? experiment.dir : fileURLToPath(experiment.dir);
  const root = gitRoot(dir) ?? process.cwd();
  const command = commandLine({ script: options.script ?? process.argv[1], argv, root });
  try {
    return await parseAndRun();
  } catch (error) {
    if (!KitError.isInstance(error) || error.code !== 'USAGE') throw error;
    stderr.write(`${error.message}\nRun with --help for the options.\n`);
    process.exitCode = 2;
    return undefined;
  }

  async function parseAndRun(): Promise<ResultsFile | undefined> {
    const cli = parseCli({
      argv,
      ...(experiment.options === undefined ? {} : { options: experiment.options }),
    });
    if (cli.help) {
      stdout.write(
        helpText({
          experiment,
          command: commandLine({ script: options.script ?? process.argv[1], argv: [], root }),
        }),
      );
      return undefined;
    }
    const backend = await initBackend(cli.backend === undefined ? {} : { backend: cli.backend });
    return runExperiment({
      experiment,
      cli,
      backend: { name: backend.backend, description: describeBackend(backend) },
      session: { command, git: gitState(dir) },
      stream: stdout,
      ...(options.live === undefined ? {} : { live: options.live }),
    });
  }
}
