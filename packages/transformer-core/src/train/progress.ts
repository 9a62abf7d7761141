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
  /**
   * Clock in milliseconds, for the time remaining (injectable so tests need not wait).
   * @default performance.now
   */
  now?: () => number;
}

/**
 * Reports training progress: a live cli-progress bar when the stream is a terminal, otherwise a plain line every
 * `logEvery` steps (`step 20/100 loss 2.3141 eval 2.4012 lr 6.00e-4 gnorm 0.812 1530 tok/s eta 3m 05s`), which
 * suits CI logs. Both show the latest evaluation loss once one has run, and the time remaining: the steps still
 * to do at the average wall-clock time per step since this run started (evaluations and checkpoints included;
 * steps done before a resume do not count towards the speed).
 */
export function progressReporter(options: ProgressOptions = {}): TrainCallbacks {
  const stream = options.stream ?? defaultProgressStream();
  const logEvery = checkInteger('progress.logEvery', options.logEvery ?? 10, 1);
  const now = options.now ?? (() => performance.now());
  let total = 0;
  let bar: SingleBar | undefined;
  let evalLoss = '-';
  let clock = { start: 0, startStep: 0 };
  const remaining = (step: number) =>
    formatSeconds(((now() - clock.start) / 1000 / (step - clock.startStep)) * (total - step));

  return {
    async onStart({ startStep, steps }) {
      total = steps;
      clock = { start: now(), startStep };
      if (stream.isTTY !== true) return;
      // Loaded only on a terminal, so CI runs never pull in the terminal code.
      const { default: cliProgress } = await loadCliProgress();
      bar = new cliProgress.SingleBar(
        {
          stream: stream as NodeJS.WritableStream,
          format:
            'train [{bar}] {value}/{total} | loss {loss} | eval {evalLoss} | lr {lr} | {speed} | eta {remaining}',
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(steps, startStep, { loss: '-', evalLoss, lr: '-', speed: '-', remaining: '-' });
    },
    onStep(metrics) {
      if (metrics.evalLoss !== undefined) evalLoss = metrics.evalLoss.toFixed(4);
      if (bar !== undefined) {
        bar.update(metrics.step, {
          loss: metrics.loss.toFixed(4),
          evalLoss,
          lr: metrics.lr.toExponential(2),
          speed: speedOf(metrics),
          remaining: remaining(metrics.step), // not `eta`: cli-progress fills that name itself
        });
      } else if (metrics.step % logEvery === 0 || metrics.step === total) {
        stream.write(`${formatLine(metrics, total, evalLoss)} eta ${remaining(metrics.step)}\n`);
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

function formatLine(metrics: StepMetrics, total: number, evalLoss: string): string {
  const evalPart = evalLoss === '-' ? '' : ` eval ${evalLoss}`;
  return (
    `step ${metrics.step}/${total} loss ${metrics.loss.toFixed(4)}${evalPart} ` +
    `lr ${metrics.lr.toExponential(2)} gnorm ${metrics.gradNorm.toFixed(3)} ${speedOf(metrics)}`
  );
}

/** `42s`, `3m 05s`, `1h 02m`: whole seconds, the two largest units. */
function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`;
}
