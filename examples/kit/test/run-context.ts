import type { Json, ParallelMode, RunContext, TrainingThreads } from '../src/index.js';

/**
 * A run context for tests of run functions: seed 3, checkpoints in `checkpointDir` (default `dir`), curves, progress and the recorded
 * training kept in memory.
 */
export function testContext(args: {
  dir: string;
  checkpointDir?: string;
  resume: boolean;
  parallel?: ParallelMode;
}) {
  const curves: Record<string, [number, number][]> = {};
  const progress: number[] = [];
  const recorded: { training?: TrainingThreads } = {};
  const record = (curve: string, step: number, value: number) => {
    curves[curve] = [...(curves[curve] ?? []), [step, value]];
  };
  const ctx = {
    id: 'fit-seed3',
    condition: 'fit',
    config: {},
    seed: 3,
    mode: 'smoke',
    units: 8,
    backend: 'cpu',
    options: {},
    parallel: args.parallel ?? 'off',
    recordTraining: (training: TrainingThreads) => {
      recorded.training = training;
    },
    dir: args.dir,
    checkpointDir: args.checkpointDir ?? args.dir,
    resume: args.resume,
    progress: (done: number) => progress.push(done),
    // As the kit's: progress, and the training loss as curve `loss` every `lossEvery` steps.
    trainCallbacks: ({ lossEvery }: { lossEvery?: number } = {}) => ({
      onStep: ({ step, loss }: { step: number; loss: number }) => {
        progress.push(step);
        if (lossEvery !== undefined && step % lossEvery === 0) record('loss', step, loss);
      },
    }),
    record,
    log: () => undefined,
  } as unknown as RunContext<Json>;
  return { ctx, curves, progress, recorded };
}
