// `pnpm --filter @beyond-ntp-examples/text-lm train <text file>` and `… sample <run dir>`; `--help` lists the flags.
import { fileURLToPath } from 'node:url';
import { describeBackend, initBackend } from '@beyond-ntp/runtime';
import { BeyondNtpError } from '@beyond-ntp/transformer-core';
import { KitError } from '@beyond-ntp-examples/kit';
import { parseCommand } from './cli.js';
import { sampleCommand } from './sample-command.js';
import { trainCommand } from './train-command.js';

try {
  const parsed = parseCommand(process.argv.slice(2), {
    // pnpm runs scripts in the app's folder; paths on the command line are relative to where they were typed.
    cwd: process.env.INIT_CWD ?? process.cwd(),
    runsDir: fileURLToPath(new URL('../runs/', import.meta.url)),
  });
  if (parsed.command === 'help') {
    process.stdout.write(parsed.text);
  } else {
    const { backend } = parsed.args;
    const selected = await initBackend(backend === undefined ? {} : { backend });
    if (parsed.command === 'train') {
      await trainCommand(parsed.args, { stdout: process.stdout, backend: describeBackend(selected) });
      process.stdout.write(
        `\nsample it:\n  pnpm --filter @beyond-ntp-examples/text-lm sample ${parsed.args.out}\n`,
      );
    } else {
      const { temperature, seed } = parsed.args;
      const sample = await sampleCommand(parsed.args);
      process.stdout.write(`[checkpoint of step ${sample.step}, temperature ${temperature}, seed ${seed}]\n`);
      process.stdout.write(`${sample.prompt}${sample.text}\n`);
    }
  }
} catch (error) {
  // Mistakes with the command line, the files or the run directory: one line naming the flag or file.
  if (!BeyondNtpError.isInstance(error)) throw error;
  const usage = KitError.isInstance(error) && error.code === 'USAGE';
  process.stderr.write(`${error.message}${usage ? '\nRun with --help for the options.' : ''}\n`);
  process.exitCode = usage ? 2 : 1;
}
