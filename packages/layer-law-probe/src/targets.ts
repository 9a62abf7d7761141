import { invalidOption, shown } from './errors.js';

/**
 * What the hidden state at position j is regressed onto, as in the authors' "information flow" analysis: the
 * token at j − 1 (`previous`), j (`current`), j + 1 (`next`, the law's target) or j + 2 (`next-next`). A position
 * is a sample of a target only when that token exists and is not padding.
 */
export type ProbeTarget = 'previous' | 'current' | 'next' | 'next-next';

/** Position of each target's token relative to the hidden state's position. */
export const TARGET_OFFSETS: Readonly<Record<ProbeTarget, number>> = {
  previous: -1,
  current: 0,
  next: 1,
  'next-next': 2,
};

/** Validates a list of targets: known names, no repeats, at least one. */
export function checkTargets(value: unknown): ProbeTarget[] {
  const names = Object.keys(TARGET_OFFSETS);
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidOption('targets', `must be a non-empty list of ${names.join(', ')} (got ${shown(value)})`);
  }
  value.forEach((target, i) => {
    if (!names.includes(target))
      throw invalidOption(`targets[${i}]`, `must be one of ${names.join(', ')} (got ${shown(target)})`);
    if (value.indexOf(target) !== i) throw invalidOption(`targets[${i}]`, `repeats ${shown(target)}`);
  });
  return [...value];
}
