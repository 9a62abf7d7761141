import { type LayerLawFit, probeModel } from '@beyond-ntp/layer-law-probe';
import { multiTokenMetrics } from '@beyond-ntp/losses-multitoken';
import type { TransformerModel } from '@beyond-ntp/transformer-core';
import { KitError } from '@beyond-ntp-examples/kit';

/** What one probe of one checkpoint found, as plain JSON. */
export interface CheckpointProbe {
  /** The training step probed (0: the initialisation). */
  step: number;
  /** Names of the hidden-state entries, embedding output first. */
  layers: string[];
  /** Next-token samples fitted per entry. */
  samples: number;
  /** PR of the token-id target (the authors' definition) per entry, the embedding output's included. */
  pr: number[];
  /** PR of the one-hot target per entry. */
  prOneHot: number[];
  /** PR per entry if the states carried no information (1 − rank/(samples − 1)). */
  nullPr: number[];
  /** The law fitted to `pr` over layers 1..L (the embedding output left out, as by the authors). */
  law: LayerLawFit;
  /** The law fitted to `prOneHot`. */
  lawOneHot: LayerLawFit;
  /** Mean next-token cross-entropy (head 0) on the probe windows. */
  heldOutLoss: number;
}

/** Probe windows per forward pass. */
const PROBE_BATCH = 16;

/**
 * Probes the model's next-token path (embedding output, trunk blocks, head 0 after the final norm) on the probe
 * windows: every position but a window's last is a sample, its target the next token, as in the authors' code;
 * the default normalisation (a fresh copy of the final norm below the last entry). Also scores head 0's
 * next-token loss on the same windows. Leaves no tensor behind.
 */
export async function probeCheckpoint(args: {
  model: TransformerModel;
  windows: readonly number[][];
  step: number;
}): Promise<CheckpointProbe> {
  const { model, windows, step } = args;
  const batches: number[][][] = [];
  for (let i = 0; i < windows.length; i += PROBE_BATCH) batches.push(windows.slice(i, i + PROBE_BATCH));
  const probe = await probeModel({ model, batches, targets: ['next'], oneHot: true });
  const report = probe.report();
  const next = report.targets.next;
  if (next?.prOneHot === undefined || next.lawOneHot === undefined || next.nullPr === undefined) {
    throw new KitError('INVALID_ARGUMENT', 'probe', 'the probe reported no one-hot next-token target');
  }
  const metrics = await multiTokenMetrics({ model, heads: [0], batches: batches.map((ids) => ({ ids })) });
  return {
    step,
    layers: report.layers,
    samples: next.samples,
    pr: next.pr,
    prOneHot: next.prOneHot,
    nullPr: next.nullPr,
    law: next.law,
    lawOneHot: next.lawOneHot,
    heldOutLoss: (metrics.heads[0] as { loss: number }).loss,
  };
}
