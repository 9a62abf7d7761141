import { makeDirectory } from '../checkpoint/directory.js';
import { ifMissing, nodeFs, parentDir } from '../node-fs.js';
import type { TrainCallbacks } from './callbacks.js';
import { InvalidTrainingArgumentError } from './errors.js';

/** Options of {@link jsonlMetricsLog}. */
export interface JsonlMetricsLogOptions {
  /** File to write; its directory is created if needed. */
  path: string;
}

/**
 * Writes one JSON line per step to `path`: `{"step","loss","lr","gradNorm","tokensPerSecond","seconds"}` plus
 * `"evalLoss"` on evaluation steps. A fresh run truncates the file; a resumed run keeps the lines up to the
 * step it resumed from and drops later ones (written after that checkpoint by the interrupted run), so the log
 * always describes one consistent run.
 */
export function jsonlMetricsLog(options: JsonlMetricsLogOptions): TrainCallbacks {
  const { path } = options;
  if (typeof path !== 'string' || path.length === 0) {
    throw new InvalidTrainingArgumentError('metricsLog.path', 'expected a non-empty file path');
  }
  return {
    async onStart({ startStep }) {
      await makeDirectory(parentDir(path));
      const kept = startStep === 0 ? [] : await linesUpTo(path, startStep);
      await (await nodeFs()).writeFile(path, kept.map((line) => `${line}\n`).join(''));
    },
    async onStep(metrics) {
      await (await nodeFs()).appendFile(path, `${JSON.stringify(metrics)}\n`);
    },
  };
}

async function linesUpTo(path: string, step: number): Promise<string[]> {
  const text = await (await nodeFs()).readFile(path, 'utf8').catch(ifMissing(''));
  return text.split('\n').filter((line) => {
    if (line.trim() === '') return false;
    try {
      const record = JSON.parse(line) as { step?: unknown };
      return typeof record.step === 'number' && record.step <= step;
    } catch {
      return false; // a line cut short by the crash
    }
  });
}
