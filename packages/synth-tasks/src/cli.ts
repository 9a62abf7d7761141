#!/usr/bin/env node
import { buildProgram } from './cli/program.js';
import { SynthTasksError } from './errors.js';

const program = buildProgram({
  out: (text) => console.log(text),
  progress: process.stderr.isTTY ? process.stderr : undefined,
});
program.parseAsync(process.argv).catch((error: unknown) => {
  // Our errors already say what to fix; anything else is a bug worth its stack trace.
  console.error(SynthTasksError.isInstance(error) ? `synth-tasks: ${error.message}` : error);
  process.exitCode = 1;
});
