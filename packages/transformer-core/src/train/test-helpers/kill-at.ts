import type { TrainCallbacks } from '../callbacks.js';

/** A callback that stops `train` at `step` as a crash would: after that step's checkpoint (if any) is written. */
export function killAt(step: number): TrainCallbacks {
  return {
    onStep: (metrics) => {
      if (metrics.step === step) throw new Error('killed');
    },
  };
}
