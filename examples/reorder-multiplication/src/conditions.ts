import type { TargetOrder } from '@beyond-ntp/target-reorder-mi';
import type { Condition, Json, Mode } from '@beyond-ntp-examples/kit';
import { type ArithmeticSplit, multiplicationSplit } from './arithmetic-task.js';
import { labelSamples, type MultilabelSplit, multilabelSplit } from './multilabel-task.js';
import { chooseOrders, type OrderKind } from './orders.js';
import { planFor, type TaskPlan } from './plan.js';

/** What one condition stores with its results: the task plan and the emission order, with its provenance. */
export interface ConditionConfig {
  /** The plan of the condition's group. */
  plan: TaskPlan;
  /** The order family. */
  kind: OrderKind;
  /** The order as chosen: positions, strategy, estimator, source, scores. */
  order: TargetOrder;
  /** One line: how the order was chosen and its positions. */
  description: string;
}

// Splits are deterministic and the same for every seed, so each is built once per process.
const arithmeticSplits = new Map<string, ArithmeticSplit>();
const labelSplits = new Map<string, MultilabelSplit>();

/** The train / held-out problems of a multiplication plan. */
export function arithmeticSplitFor(plan: TaskPlan): ArithmeticSplit {
  const key = `${plan.digits}/${plan.trainCount}/${plan.testCount}`;
  let split = arithmeticSplits.get(key);
  if (split === undefined) {
    split = multiplicationSplit({
      digits: plan.digits ?? 2,
      trainCount: plan.trainCount,
      testCount: plan.testCount,
    });
    arithmeticSplits.set(key, split);
  }
  return split;
}

/** The train / held-out records and tokenizer of a multi-label plan. */
export function labelSplitFor(plan: TaskPlan): MultilabelSplit {
  const key = `${plan.trainCount}/${plan.testCount}`;
  let split = labelSplits.get(key);
  if (split === undefined) {
    split = multilabelSplit({ trainCount: plan.trainCount, testCount: plan.testCount });
    labelSplits.set(key, split);
  }
  return split;
}

/**
 * The conditions of a mode (`mul2Steps`: see {@link planFor}): for each task group, one condition per order,
 * named `<group>-<order>`. MI orders are computed here from the group's training data, so every seed of a
 * condition trains in the same order and the order is stored in the run's config.
 */
export function conditionsFor(mode: Mode, mul2Steps?: number): Condition<Json>[] {
  return planFor(mode, mul2Steps).flatMap((plan) => {
    const samples =
      plan.task === 'labels'
        ? labelSamples(labelSplitFor(plan))
        : arithmeticSplitFor(plan).train.map((r) => ({ source: r.prompt, target: r.answer }));
    const orders = chooseOrders({
      samples,
      kinds: plan.orders,
      controlSeed: `reorder-multiplication/${plan.group}`,
    });
    return orders.map(({ kind, order, description }) => {
      const config: ConditionConfig = { plan, kind, order, description };
      return {
        name: `${plan.group}-${kind}`,
        config: JSON.parse(JSON.stringify(config)) as Json,
        units: plan.recipe.steps,
        // Sequence length drives the cost of a step: labels ≈ 4× the tokens of 2×2 multiplication at half the depth.
        weight: plan.task === 'labels' ? 2 : (plan.digits ?? 2) / 2,
      };
    });
  });
}
