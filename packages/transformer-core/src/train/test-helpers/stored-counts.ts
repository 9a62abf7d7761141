import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { checkpointDirName } from '../../checkpoint/checkpoint.js';
import { decodeSafetensors } from '../../checkpoint/safetensors.js';

/** `step.<param>` counts of the optimizer.safetensors of checkpoint `step` in `dir`, and their dtypes. */
export async function storedCounts(dir: string, step: number) {
  const file = join(dir, checkpointDirName(step), 'optimizer.safetensors');
  const { tensors } = decodeSafetensors(await readFile(file), file);
  const counts = Object.entries(tensors).filter(([key]) => key.startsWith('step.'));
  return {
    counts: Object.fromEntries(counts.map(([key, raw]) => [key, raw.data[0] as number])),
    dtypes: [...new Set(counts.map(([, raw]) => `${raw.dtype} [${raw.shape}]`))],
  };
}
