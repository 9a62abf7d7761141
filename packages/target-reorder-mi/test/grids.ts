import type { TargetSample } from '../src/targets/target-data.js';

/**
 * Every problem `a op b` with zero-padded operands of `digits` digits each, as `{ source: 'aa*bb=', target }`
 * with the result zero-padded to `width` digits: the full, uniformly weighted grid.
 */
export function arithmeticGrid(op: '*' | '+', digits: number, width: number): TargetSample[] {
  const size = 10 ** digits;
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const samples: TargetSample[] = [];
  for (let a = 0; a < size; a++) {
    for (let b = 0; b < size; b++) {
      const result = op === '*' ? a * b : a + b;
      samples.push({ source: `${pad(a, digits)}${op}${pad(b, digits)}=`, target: pad(result, width) });
    }
  }
  return samples;
}
