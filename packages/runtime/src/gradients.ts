import * as tf from '@tensorflow/tfjs-core';
import { gradConfigs } from './vendor/tfjs-gradients.js';

/**
 * Registers tfjs-core's gradients for every kernel that has none yet, and returns how many were added.
 *
 * `@tensorflow/tfjs-core` on its own registers no gradients in Node (the `@tensorflow/tfjs` umbrella does), so
 * without this `tf.grad`/`optimizer.minimize` fail with "gradient function not found". `initBackend()` calls it;
 * call it yourself only if you select a backend without `initBackend()`. Gradients someone else registered
 * (e.g. the umbrella, or a custom one) are left alone.
 */
export function registerGradients(): number {
  let added = 0;
  for (const config of gradConfigs) {
    if (tf.getGradient(config.kernelName) === undefined) {
      tf.registerGradient(config);
      added++;
    }
  }
  return added;
}
