import type { SingleBar } from 'cli-progress';
import type { StepMetrics, TrainCallbacks } from './callbacks.js';
import { checkInteger } from './errors.js';
import { defaultProgressStream, loadCliProgress } from './terminal.js';

/** The part of a writable stream the progress reporter needs (`process.stdout` fits). */
export interface ProgressStream {
  /** True when the stream is an interactive terminal. */
  isTTY?: boolean;
  /** Writes text. */
  write(text: string): unknown;
}

/** Options of {@link progressReporter}. */
export interface ProgressOptions {
  /**
   * Where to report.
   * @default process.stdout in Node; in a browser, the console (one `console.log` per line)
   */
  stream?: ProgressStream;
  /**
   * Without a terminal, print one line every this many steps (and on the last step).
   * @default 10
   */
  logEvery?: number;
}

/**
 * Reports training progress: a live cli-progress bar when the stream is a terminal, otherwise a plain line every
 * `logEvery` steps (`step 20/100 loss 2.3141 lr 6.00e-4 gnorm 0.812 1530 tok/s`), which suits CI logs.
 */
export function progressReporter(options: ProgressOptions = {}): TrainCallbacks {
  const stream = options.stream ?? defaultProgressStream();
  const logEvery = checkInteger('progress.logEvery', options.logEvery ?? 10, 1);
  let total = 0;
  let bar: SingleBar | undefined;

  return {
    async onStart({ startStep, steps }) {
      total = steps;
      if (stream.isTTY !== true) return;
      // Loaded only on a terminal, so CI runs never pull in the terminal code.
      const { default: cliProgress } = await loadCliProgress();
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WritableStream,
          format: 'train [{bar}] {value}/{total} | loss {loss} | lr {lr} | {speed}',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(steps, startStep, { loss: '-', lr: '-', speed: '-' });
    },
    onStep(metrics) {
      if (bar !== undefined) {
        bar.update(metrics.step, {
          loss: metrics.loss.toFixed(4),
          lr: metrics.lr.toExponential(2),
          speed: speedOf(metrics),
        });
      } else if (metrics.step % logEvery === 0 || metrics.step === total) {
        stream.write(`${formatLine(metrics, total)}\n`);
      }
    },
    onEnd() {
      bar?.stop();
    },
    onError() {
      bar?.stop(); // shows the cursor again
    },
  };
}

function speedOf(metrics: StepMetrics): string {
  return metrics.tokensPerSecond === null
    ? `${metrics.seconds.toFixed(3)} s/step`
    : `${Math.round(metrics.tokensPerSecond)} tok/s`;
}

function formatLine(metrics: StepMetrics, total: number): string {
  const evalPart = metrics.evalLoss === undefined ? '' : ` eval ${metrics.evalLoss.toFixed(4)}`;
  return (
    `step ${metrics.step}/${total} loss ${metrics.loss.toFixed(4)}${evalPart} ` +
    `lr ${metrics.lr.toExponential(2)} gnorm ${metrics.gradNorm.toFixed(3)} ${speedOf(metrics)}`
  );
}
