import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTokenizer, saveTokenizer, type Tokenizer } from '@beyond-ntp/tokenizer';
import {
  createModel,
  crossEntropy,
  jsonlMetricsLog,
  type LossContext,
  type ProgressStream,
  progressReporter,
  type StepMetrics,
  tokenWindows,
  train,
  type WindowBatch,
  warmupCosineSchedule,
} from '@beyond-ntp/transformer-core';
import {
  formatDuration,
  gitState,
  hasCheckpoint,
  KitError,
  renderSvg,
  writeFileAtomic,
} from '@beyond-ntp-examples/kit';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainArgs } from './cli.js';
import { lossCurveSpec } from './loss-plot.js';
import { type RunRecord, readRunRecord, recordDifferences, writeRunRecord } from './run-record.js';
import { buildTokenizer } from './tokenizer-choice.js';

/** The files a run directory holds besides its checkpoints. */
export const RUN_FILES = {
  tokenizer: 'tokenizer.json',
  metrics: 'metrics.jsonl',
  plot: 'loss.svg',
  summary: 'summary.json',
} as const;

/**
 * What a run has learned so far, written as `summary.json`: it describes all of the run's steps (a resumed run
 * included), so rerunning a finished run rewrites the same numbers. Every number is measured.
 */
export interface RunSummary {
  text: RunRecord['text'];
  tokenizer: { kind: string; vocabSize: number };
  parameters: number;
  tokens: { train: number; heldOut: number };
  /** Updates done. */
  step: number;
  /** Mean training loss of the last `plan.evalEvery` steps (nats per token). */
  trainLoss: number;
  /** Held-out loss at the last evaluation, and the lowest one with its step. */
  heldOutLoss: number;
  bestHeldOut: { step: number; loss: number };
  /** Seconds spent in the updates themselves, summed over all steps (evaluations and checkpoints excluded). */
  updateSeconds: number;
  /** The backend and the commit of the app's code in the latest invocation. */
  backend: string;
  commit: string | null;
}

/** What one invocation of `train` did. */
export interface TrainOutcome {
  summary: RunSummary;
  /** The step this invocation started from (0, or the checkpoint it resumed). */
  startedAt: number;
  /** Wall-clock seconds of this invocation's training loop. */
  seconds: number;
}

/** Where `train` reports: a stream for its lines and progress bar. */
export interface TrainIo {
  stdout: ProgressStream;
  /** The backend's description, for the summary. */
  backend: string;
}

/**
 * `train <text file>`: reads the text, builds (or, resuming, reloads) the tokenizer beside the checkpoints,
 * trains on seeded random windows with held-out evaluation and a progress bar, checkpoints, and writes the loss
 * curve and a summary. Rerunning it with the same settings resumes from the last checkpoint (a finished run just
 * rewrites its plot and summary); other settings on an existing run are refused with a `STALE_RUN` `KitError`.
 */
export async function trainCommand(args: TrainArgs, io: TrainIo): Promise<TrainOutcome> {
  const { out, plan } = args;
  const commit = gitState(fileURLToPath(new URL('.', import.meta.url)))?.commit ?? null;
  const say = (line: string) => io.stdout.write(`${line}\n`);
  const text = await readText(args.text);
  if (args.fresh) await removeRunFiles(out);
  await mkdir(out, { recursive: true });

  const record: RunRecord = {
    version: 1,
    text: {
      path: args.text,
      characters: text.length,
      sha256: createHash('sha256').update(text).digest('hex'),
    },
    tokenizer: args.tokenizer,
    model: args.model,
    plan,
  };
  const resume = await hasCheckpoint(out);
  const stored = await readRunRecord(out);
  if (stored !== undefined) {
    const differences = recordDifferences(stored, record);
    if (differences.length > 0) {
      throw new KitError(
        'STALE_RUN',
        join(out, 'run.json'),
        `the run there was made with other settings (${differences.join('; ')}); rerun with its settings to ` +
          'resume it, pass --fresh to replace it, or --out <another directory>',
      );
    }
  } else if (resume) {
    throw new KitError(
      'STALE_RUN',
      out,
      'holds checkpoints but no run.json, so they were not made by this app; pass --out <another directory>',
    );
  }

  // The tokenizer learns from the text before the held-out share (about the ids tokenWindows holds out).
  const trainingText = text.slice(0, text.length - Math.floor(text.length * plan.heldOutFraction));
  const tokenizerFile = join(out, RUN_FILES.tokenizer);
  const tokenizer: Tokenizer =
    stored === undefined
      ? await buildTokenizer(args.tokenizer, trainingText)
      : await loadTokenizer(tokenizerFile);
  if (stored === undefined) {
    await saveTokenizer(tokenizer, tokenizerFile);
    await writeRunRecord(out, record);
  }

  // Special-token text in the file (say a literal "<unk>") is ordinary text here.
  const ids = tokenizer.encode(text, { specialTokens: 'as-text' });
  const windows = tokenWindows({
    ids,
    length: args.model.contextLength,
    batchSize: plan.batchSize,
    heldOutFraction: plan.heldOutFraction,
    seed: plan.seed,
  });
  const config = { vocabSize: tokenizer.vocabSize, ...args.model };
  const model = createModel(config, { seed: plan.seed });
  const parameters = Object.values(model.params).reduce((n, p) => n + p.size, 0);
  say(`text      ${args.text}: ${text.length} characters`);
  say(
    `tokenizer ${args.tokenizer.kind}, ${tokenizer.vocabSize} tokens; ${windows.trainIds} training and ` +
      `${windows.heldOutIds} held-out ids`,
  );
  say(`model     ${parameters} parameters, ${JSON.stringify(config)}`);
  say(`run       ${out}${resume ? ' (resuming from its last checkpoint)' : ''}`);

  const lossFn = (batch: WindowBatch, context: LossContext) =>
    tf.tidy(() => {
      const { logits } = model.forward(batch.inputs, { training: context.training, seed: context.seed });
      return crossEntropy(logits[0] as tf.Tensor3D, tf.tensor2d(batch.targets, undefined, 'int32'));
    });
  const metricsFile = join(out, RUN_FILES.metrics);
  const began = performance.now();
  let result: Awaited<ReturnType<typeof train>>;
  try {
    result = await train<WindowBatch>({
      params: model.params,
      lossFn,
      batches: (step, micro) => windows.trainBatch(step, micro),
      steps: plan.steps,
      learningRate: warmupCosineSchedule({
        maxLr: plan.learningRate,
        warmupSteps: Math.min(plan.warmupSteps, plan.steps),
        decaySteps: plan.steps,
      }),
      tokensPerStep: plan.batchSize * args.model.contextLength,
      evaluate: { every: plan.evalEvery, batches: windows.heldOutBatches({ maxBatches: plan.evalBatches }) },
      checkpoint: { dir: out, every: plan.checkpointEvery, config },
      resume,
      seed: plan.seed,
      callbacks: [
        progressReporter({ stream: io.stdout, logEvery: plan.evalEvery }),
        jsonlMetricsLog({ path: metricsFile }),
      ],
    });
  } finally {
    model.dispose();
  }
  const seconds = (performance.now() - began) / 1000;

  const metrics = await readMetrics(metricsFile);
  const evaluations = metrics.filter((m) => m.evalLoss !== undefined) as Required<StepMetrics>[];
  if (evaluations.length === 0) {
    throw new KitError(
      'STALE_RUN',
      metricsFile,
      'has no held-out evaluation; pass --fresh to train the run again',
    );
  }
  const best = evaluations.reduce((a, b) => (b.evalLoss < a.evalLoss ? b : a));
  const recent = metrics.slice(-plan.evalEvery);
  const summary: RunSummary = {
    text: record.text,
    tokenizer: { kind: args.tokenizer.kind, vocabSize: tokenizer.vocabSize },
    parameters,
    tokens: { train: windows.trainIds, heldOut: windows.heldOutIds },
    step: result.step,
    trainLoss: recent.reduce((sum, m) => sum + m.loss, 0) / recent.length,
    heldOutLoss: (evaluations.at(-1) as Required<StepMetrics>).evalLoss,
    bestHeldOut: { step: best.step, loss: best.evalLoss },
    updateSeconds: metrics.reduce((sum, m) => sum + m.seconds, 0),
    backend: io.backend,
    commit,
  };
  await writeFileAtomic(join(out, RUN_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
  const spec = lossCurveSpec({
    metrics,
    block: Math.max(1, Math.round(plan.evalEvery / 4)),
    title: `${args.tokenizer.kind}-level model on ${basename(args.text)}`,
  });
  await writeFile(join(out, RUN_FILES.plot), await renderSvg(spec));
  say(
    `done      step ${summary.step}: train loss ${summary.trainLoss.toFixed(4)}, held-out ${summary.heldOutLoss.toFixed(4)} ` +
      `(best ${summary.bestHeldOut.loss.toFixed(4)} at step ${summary.bestHeldOut.step}), ` +
      `${formatDuration(seconds)} this session`,
  );
  say(
    `wrote     ${RUN_FILES.tokenizer}, ${RUN_FILES.metrics}, ${RUN_FILES.plot} and ${RUN_FILES.summary} in ${out}`,
  );
  return { summary, startedAt: result.resumedFrom ?? 0, seconds };
}

async function readText(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new KitError('USAGE', path, `cannot read the text file (${(error as NodeJS.ErrnoException).code})`);
  }
  if (text.length === 0) throw new KitError('USAGE', path, 'the text file is empty');
  return text;
}

async function readMetrics(file: string): Promise<StepMetrics[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').filter((line) => line.trim() !== '');
  return lines.map((line) => JSON.parse(line) as StepMetrics);
}

/** Deletes what this app writes in a run directory, and nothing else. */
async function removeRunFiles(dir: string): Promise<void> {
  const entries = await readdir(dir).catch(() => [] as string[]);
  const ours = new Set<string>([...Object.values(RUN_FILES), 'run.json', 'latest']);
  const removable = entries.filter(
    (name) => ours.has(name) || /^ckpt-\d+$/.test(name) || name.startsWith('.tmp-'),
  );
  await Promise.all(removable.map((name) => rm(join(dir, name), { recursive: true, force: true })));
}
