/** Metrics of one optimizer step, as reported to {@link TrainCallbacks.onStep}. */
export interface StepMetrics {
  /** 1-based number of optimizer updates completed, this one included. */
  step: number;
  /** Mean training loss of the step (over its micro-batches). */
  loss: number;
  /** Learning rate used for the update. */
  lr: number;
  /** Global gradient L2 norm before clipping. */
  gradNorm: number;
  /** `tokensPerStep / seconds` of the step, or null when `tokensPerStep` was not given. */
  tokensPerSecond: number | null;
  /** Wall-clock duration of the step in seconds (forward, backward, update, one device read). */
  seconds: number;
  /** Mean evaluation loss, present on steps where evaluation ran. */
  evalLoss?: number;
}

/** Where a run starts, as reported to {@link TrainCallbacks.onStart}. */
export interface TrainStartInfo {
  /** Updates already done (0, or the step of the checkpoint resumed from). */
  startStep: number;
  /** Total updates the run ends at. */
  steps: number;
}

/** Summary of a finished run. */
export interface TrainResult {
  /** Updates completed. */
  step: number;
  /** Training loss of the last step run (NaN when no step ran, e.g. resuming a finished run). */
  loss: number;
  /** Last evaluation loss, when evaluation ran. */
  evalLoss?: number;
  /** Step of the checkpoint the run resumed from, when it resumed. */
  resumedFrom?: number;
}

/**
 * Hooks called by `train`. Every hook may be async; the loop awaits it. Hooks receive plain numbers, never
 * tensors.
 */
export interface TrainCallbacks {
  /** Before the first step. */
  onStart?: (info: TrainStartInfo) => void | Promise<void>;
  /** After each step (and its evaluation, when one ran). */
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
  /** After a checkpoint is complete on disk. */
  onCheckpoint?: (info: { step: number; path: string }) => void | Promise<void>;
  /** After the last step, when the run succeeded. */
  onEnd?: (result: TrainResult) => void | Promise<void>;
  /** When the run stops with an error (which `train` rethrows afterwards), e.g. to restore the terminal. */
  onError?: (error: unknown) => void | Promise<void>;
}
