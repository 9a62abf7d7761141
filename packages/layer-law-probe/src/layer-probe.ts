import { checkInteger, invalidInput, invalidOption, shown } from './errors.js';
import { fitLayerLaw, type LayerLawFit } from './law-fit.js';
import { checkNormalization, type Normalization, normalizeRow } from './normalization.js';
import { type ProbeBatch, planBatch } from './probe-batch.js';
import { FeatureMoments } from './stats/feature-moments.js';
import {
  type FittedSet,
  fitSampleSet,
  heldOutResidual,
  inSampleResidual,
  type SampleSet,
  type TargetVariant,
} from './stats/residual.js';
import { TargetMoments } from './stats/target-moments.js';
import { checkTargets, type ProbeTarget } from './targets.js';

/** Options of {@link LayerProbe}. */
export interface LayerProbeOptions {
  /** Width d of every hidden state. */
  dModel: number;
  /**
   * Hidden-state entries per token: the embedding output, then one per layer — L + 1 for an L-layer model, the
   * layout of Hugging Face's `output_hidden_states`, whose last entry carries the model's trained final norm.
   */
  layers: number;
  /**
   * A name per entry, for reports and plots.
   * @default '0', '1', …
   */
  layerNames?: string[];
  /** How states are normalised per token before the fit, on every entry except the last. */
  normalization: Normalization;
  /**
   * What the states are regressed onto. Each target after the first costs O(d) per token, not O(d²): the d×d
   * statistics are kept once, over every position some target uses, and each target subtracts the few it lacks
   * (sequence ends), at the price of one more d×d matrix per layer for such a target.
   * @default ['next']
   */
  targets?: ProbeTarget[];
  /**
   * Also fit the one-hot target (as well as the token id the authors regress onto). Costs d numbers per layer,
   * target and distinct token seen, and O(d) per token.
   * @default false
   */
  oneHot?: boolean;
  /**
   * First entry included in the law fit; the authors fit layers 1..L and drop the embedding output (entry 0).
   * @default 1 (0 when there is a single entry)
   */
  lawFrom?: number;
}

/** Options of {@link LayerProbe.report}. */
export interface ProbeReportOptions {
  /**
   * Score each layer's fit on the tokens of this probe instead of the fitted ones (held-out PR). It must have the
   * same `dModel`, `layers`, `normalization` and targets, and `oneHot` when this probe has it.
   * @default undefined (in-sample, as in the authors' code)
   */
  heldOut?: LayerProbe;
}

/** The residuals of one target across layers, and their law fits. */
export interface TargetReport {
  /** Samples (positions) fitted. */
  samples: number;
  /** Samples scored, for a held-out report. */
  heldOutSamples?: number;
  /** PR of the token-id target per entry, in layer order (index = entry). */
  pr: number[];
  /** Numerical rank of each entry's feature covariance (≤ d). */
  rank: number[];
  /**
   * In-sample only: the PR each entry would show in expectation if its states carried no information about the
   * target, 1 − rank/(samples − 1). A PR close to it means too few samples for the width (use samples ≥ 10·d).
   */
  nullPr?: number[];
  /** The law fitted to `pr` over the entries `lawFrom` … last. */
  law: LayerLawFit;
  /** PR of the one-hot target per entry, with `oneHot`. */
  prOneHot?: number[];
  /** The law fitted to `prOneHot`, with `oneHot`. */
  lawOneHot?: LayerLawFit;
}

/** What {@link LayerProbe.report} returns: plain JSON. */
export interface ProbeReport {
  /** Width d of the states. */
  dModel: number;
  /** Name of each hidden-state entry. */
  layers: string[];
  /** The normalisation applied to every entry but the last. */
  normalization: Normalization;
  /** Whether PR was scored on the fitted tokens or on a held-out probe's. */
  evaluation: 'in-sample' | 'held-out';
  /** First entry of the law fits. */
  lawFrom: number;
  /** Per requested target. */
  targets: Partial<Record<ProbeTarget, TargetReport>>;
}

/** One target's moments on one layer: over the layer's rows, less the rows the target has no token for. */
interface TargetState {
  target: TargetMoments;
  /** The layer's rows this target has no token for; created at the first one (never, for a single target). */
  excluded: FeatureMoments | undefined;
}

/** One hidden-state entry's statistics. */
interface LayerState {
  /** x₀: the first (normalised) row seen. */
  shift: Float64Array | undefined;
  /** Moments over every sample position of any target. */
  base: FeatureMoments;
  targets: TargetState[];
}

/**
 * The per-layer prediction residual probe of He & Su ("A Law of Next-Token Prediction in Large Language
 * Models", 2024), streaming: hidden states of any model go in batch by batch, float64 sufficient statistics are
 * kept (per layer d² + O(d) numbers; no N×d matrix, so memory does not grow with the number of tokens), and
 * {@link LayerProbe.report} fits each layer's least-squares map with an intercept and reports PR_l per target,
 * with the law fit of ln PR against l.
 *
 * The samples of a target are every non-padding position whose target token exists (for `next`, every position
 * but the last of each sequence), as in the authors' code; batches of any size give the same result as one.
 */
export class LayerProbe {
  /** Width d of the states. */
  readonly dModel: number;
  /** Name of each hidden-state entry. */
  readonly layerNames: readonly string[];
  /** The validated normalisation. */
  readonly normalization: Normalization;
  /** The targets, in report order. */
  readonly targets: readonly ProbeTarget[];
  /** Whether the one-hot target is fitted too. */
  readonly oneHot: boolean;
  /** First entry of the law fits. */
  readonly lawFrom: number;
  private readonly state: LayerState[];
  private rows = new Float64Array(0);

  /** @throws {LayerLawError} `INVALID_OPTION` naming the option at fault. */
  constructor(options: LayerProbeOptions) {
    this.dModel = checkInteger('dModel', options.dModel, 1);
    const layers = checkInteger('layers', options.layers, 1);
    const names = options.layerNames ?? Array.from({ length: layers }, (_, l) => String(l));
    if (!Array.isArray(names) || names.length !== layers || names.some((name) => typeof name !== 'string')) {
      throw invalidOption('layerNames', `must be ${layers} strings, one per layer (got ${shown(names)})`);
    }
    this.layerNames = [...names];
    this.normalization = checkNormalization(options.normalization);
    this.targets = checkTargets(options.targets ?? ['next']);
    if (options.oneHot !== undefined && typeof options.oneHot !== 'boolean') {
      throw invalidOption('oneHot', `must be true or false (got ${shown(options.oneHot)})`);
    }
    this.oneHot = options.oneHot ?? false;
    this.lawFrom = checkInteger('lawFrom', options.lawFrom ?? Math.min(1, layers - 1), 0, layers - 1);
    this.state = Array.from({ length: layers }, () => ({
      shift: undefined,
      base: new FeatureMoments(this.dModel),
      targets: this.targets.map(() => ({
        target: new TargetMoments(this.dModel, this.oneHot),
        excluded: undefined,
      })),
    }));
  }

  /** Number of hidden-state entries. */
  get layers(): number {
    return this.layerNames.length;
  }

  /** Positions accumulated so far that are a sample of at least one target. */
  get positions(): number {
    return this.state[0]?.base.count ?? 0;
  }

  /**
   * Accumulates a batch: for each layer, each sample position's state, normalised, into the layer's moments.
   * The whole batch is checked first, so a rejected batch changes nothing.
   *
   * @throws {LayerLawError} `INVALID_INPUT` naming the field at fault (shapes, token ids, mask, non-finite states).
   */
  add(batch: ProbeBatch): void {
    const d = this.dModel;
    const { positions, targetIds } = planBatch(batch, {
      layers: this.layers,
      dModel: d,
      targets: this.targets,
    });
    const n = positions.length;
    if (n === 0) return;
    if (this.rows.length < n * d) this.rows = new Float64Array(n * d);
    const rows = this.rows;
    this.state.forEach((layer, l) => {
      const source = batch.hiddenStates[l] as ArrayLike<number>;
      const normalization: Normalization = l < this.layers - 1 ? this.normalization : { kind: 'none' };
      for (let r = 0; r < n; r++) {
        const from = (positions[r] as number) * d;
        const to = r * d;
        for (let i = 0; i < d; i++) rows[to + i] = source[from + i] as number;
        normalizeRow(rows, to, d, normalization);
        // x₀ is the layer's first normalised row ever: the same whatever the batching.
        if (layer.shift === undefined) layer.shift = rows.slice(to, to + d);
        for (let i = 0; i < d; i++) rows[to + i] = (rows[to + i] as number) - (layer.shift[i] as number);
      }
      layer.base.addRows(rows, n);
      layer.targets.forEach((state, t) => {
        const ids = targetIds[t] as Int32Array;
        for (let r = 0; r < n; r++) {
          const id = ids[r] as number;
          if (id >= 0) state.target.add(rows, r, id);
          else {
            state.excluded ??= new FeatureMoments(d);
            state.excluded.addRow(rows, r);
          }
        }
      });
    });
  }

  /**
   * PR of every layer for every target, in-sample or on a held-out probe, and the law fits.
   *
   * @throws {LayerLawError} `DEGENERATE_DATA` naming the target when it has fewer than 2 samples or never varies;
   *   `INVALID_INPUT` naming `heldOut` when that probe does not match this one.
   */
  report(options: ProbeReportOptions = {}): ProbeReport {
    const { heldOut } = options;
    if (heldOut !== undefined) this.checkHeldOut(heldOut);
    const targets: ProbeReport['targets'] = {};
    this.targets.forEach((name, t) => {
      const field = `targets.${name}`;
      const fitted = this.state.map((_, l) => fitSampleSet(this.sampleSet(l, t), field));
      const evaluationIndex = heldOut?.targets.indexOf(name) ?? -1;
      const score = (variant: TargetVariant) =>
        fitted.map((set, l) =>
          heldOut === undefined
            ? inSampleResidual(set, variant, field)
            : heldOutResidual(set, heldOut.sampleSet(l, evaluationIndex), variant, `heldOut.${field}`),
        );
      targets[name] = this.targetReport(
        fitted,
        score,
        heldOut?.state[0]?.targets[evaluationIndex]?.target.count,
      );
    });
    return {
      dModel: this.dModel,
      layers: [...this.layerNames],
      normalization: this.normalization,
      evaluation: heldOut === undefined ? 'in-sample' : 'held-out',
      lawFrom: this.lawFrom,
      targets,
    };
  }

  private targetReport(
    fitted: FittedSet[],
    score: (variant: TargetVariant) => number[],
    heldOutSamples: number | undefined,
  ): TargetReport {
    const samples = fitted[0]?.set.target.count ?? 0;
    const rank = fitted.map(({ fit }) => fit.rank);
    const law = (pr: number[]) => {
      const layers = pr.map((_, l) => l).slice(this.lawFrom);
      return fitLayerLaw({ pr: pr.slice(this.lawFrom), layers });
    };
    const pr = score('id');
    const prOneHot = this.oneHot ? score('one-hot') : undefined;
    return {
      samples,
      ...(heldOutSamples === undefined
        ? { nullPr: rank.map((k) => 1 - k / (samples - 1)) }
        : { heldOutSamples }),
      pr,
      rank,
      law: law(pr),
      ...(prOneHot === undefined ? {} : { prOneHot, lawOneHot: law(prOneHot) }),
    };
  }

  /** Target t's samples on layer l: the layer's moments less the rows that target has no token for. */
  private sampleSet(l: number, t: number): SampleSet {
    const layer = this.state[l] as LayerState;
    const { target, excluded } = layer.targets[t] as TargetState;
    return {
      shift: layer.shift ?? new Float64Array(this.dModel),
      features: excluded === undefined ? layer.base : layer.base.minus(excluded),
      target,
      meanSquare: layer.base.meanSquare(),
    };
  }

  private checkHeldOut(heldOut: LayerProbe): void {
    const problems: string[] = [];
    if (!(heldOut instanceof LayerProbe)) throw invalidInput('heldOut', 'must be a LayerProbe');
    if (heldOut.dModel !== this.dModel) problems.push(`dModel ${heldOut.dModel} ≠ ${this.dModel}`);
    if (heldOut.layers !== this.layers) problems.push(`${heldOut.layers} layers ≠ ${this.layers}`);
    if (JSON.stringify(heldOut.normalization) !== JSON.stringify(this.normalization)) {
      problems.push(
        `normalization ${JSON.stringify(heldOut.normalization)} ≠ ${JSON.stringify(this.normalization)}`,
      );
    }
    const missing = this.targets.filter((target) => !heldOut.targets.includes(target));
    if (missing.length > 0) problems.push(`no target ${missing.join(', ')}`);
    if (this.oneHot && !heldOut.oneHot) problems.push('no one-hot statistics (create it with oneHot: true)');
    if (problems.length > 0)
      throw invalidInput('heldOut', `does not match this probe: ${problems.join('; ')}`);
  }
}
