import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors, type RawTensor } from '../src/checkpoint/safetensors.js';
import type { ModelConfigInput } from '../src/config.js';

// Fixtures written by an independent PyTorch GPT (fixtures/torch/make_fixtures.py); see fixtures/torch/README.md.
const ROOT = fileURLToPath(new URL('./fixtures/torch/', import.meta.url));

/** Names of the fixture cases that hold `file` (e.g. `expected.safetensors` for forward cases). */
export function torchCases(file: string): string[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(`${ROOT}${entry.name}/${file}`))
    .map((entry) => entry.name)
    .sort();
}

/** The model config of a case, exactly as the PyTorch script resolved it from its own defaults. */
export function torchConfig(name: string): ModelConfigInput {
  return JSON.parse(readFileSync(`${ROOT}${name}/config.json`, 'utf8'));
}

/** The tensors of one safetensors file of a case. */
export function torchTensors(name: string, file: string): Record<string, RawTensor> {
  const path = `${ROOT}${name}/${file}`;
  return decodeSafetensors(readFileSync(path), path).tensors;
}

/** A JSON file of a case. */
export function torchJson<T>(name: string, file: string): T {
  return JSON.parse(readFileSync(`${ROOT}${name}/${file}`, 'utf8'));
}

/** How far `actual` is from `expected`, as `max |a - b| / max |b|`, and where the worst element is. */
export interface Mismatch {
  /** `max |a - b| / max |b|`. */
  error: number;
  /** Message naming the worst element and both values, for the assertion's output. */
  message: string;
}

/** Compares two arrays of equal length in the measure of the fixtures (see {@link Mismatch}). */
export function mismatch(
  label: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  shape: number[],
): Mismatch {
  if (actual.length !== expected.length) {
    return { error: Infinity, message: `${label}: ${actual.length} values, expected ${expected.length}` };
  }
  // NaN compares false, so a NaN anywhere becomes the worst element and fails any tolerance.
  const gap = (i: number) => Math.abs((actual[i] as number) - (expected[i] as number));
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i] as number));
    if (!(gap(i) <= gap(worst))) worst = i;
  }
  const error = gap(worst) / scale;
  const message =
    `${label}: max |a - b| / max |b| = ${error.toExponential(2)}; worst at [${unravel(worst, shape)}]: ` +
    `${actual[worst]} vs PyTorch ${expected[worst]} (max |b| = ${scale.toExponential(3)})`;
  return { error, message };
}

function unravel(index: number, shape: number[]): number[] {
  const position: number[] = [];
  let rest = index;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis] as number;
    position.unshift(rest % size);
    rest = Math.floor(rest / size);
  }
  return position;
}

/** The tensor `name` of a decoded fixture file; a missing one means the fixture is broken. */
export function tensorNamed(tensors: Record<string, RawTensor>, name: string): RawTensor {
  const tensor = tensors[name];
  if (tensor === undefined) throw new Error(`fixture tensor "${name}" is missing; rerun make_fixtures.py`);
  return tensor;
}
