import { fitLayerLaw, type LayerLawFit } from '@beyond-ntp/layer-law-probe';
import type { Json, RunResult } from '@beyond-ntp-examples/kit';
import { prCurve } from './run.js';

/** One probed checkpoint of a run, rebuilt from its recorded curves. */
export interface CheckpointFit {
  /** Training step. */
  step: number;
  /** The law fitted to the token-id PR of layers 1..L. */
  fit: LayerLawFit;
  /** Held-out next-token loss there, when recorded. */
  heldOutLoss: number | undefined;
}

/**
 * The probed checkpoints of a run, ascending by step: PR of entries 1..`layers` (the embedding output, entry 0,
 * left out as by the authors) from the curves `pr.<l>`, refitted with `fitLayerLaw`. A step missing some layer's
 * PR is left out.
 */
export function checkpointFits(result: Pick<RunResult<Json>, 'curves'>, layers: number): CheckpointFit[] {
  const byLayer = Array.from({ length: layers }, (_, i) => {
    const points = result.curves[prCurve(i + 1)] ?? [];
    return new Map(points.map((p) => [p.step, p.value]));
  });
  const losses = new Map((result.curves.heldOutLoss ?? []).map((p) => [p.step, p.value]));
  const steps = [...(byLayer[0]?.keys() ?? [])].sort((a, b) => a - b);
  return steps.flatMap((step) => {
    const pr = byLayer.map((m) => m.get(step));
    if (pr.some((v) => v === undefined)) return [];
    return [{ step, fit: fitLayerLaw({ pr: pr as number[] }), heldOutLoss: losses.get(step) }];
  });
}
