import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from './errors.js';

/**
 * Throws a {@link ModelError} (`BACKEND_MISSING`) saying what to do when no TensorFlow.js backend is registered:
 * tfjs-core alone has none, and its own error ("No backend found in registry") does not say how to get one.
 */
export function requireBackend(): void {
  if (tf.engine().backendNames().length > 0) return;
  throw new ModelError(
    'BACKEND_MISSING',
    'no TensorFlow.js backend is registered: call `await initBackend()` from @beyond-ntp/runtime first ' +
      '(or import a backend package such as @tensorflow/tfjs-backend-cpu and `await tf.setBackend(...)`)',
  );
}
