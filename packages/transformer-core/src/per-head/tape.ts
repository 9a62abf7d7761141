// Backend fact (tfjs-core 4.22, src/engine.ts): an engine has ONE gradient tape, `engine.state.activeTape`, and
// records every op on it while `state.gradientDepth > 0` (outside kernels). `engine.gradients()` starts a fresh
// tape only when it begins at depth 0, and only when it ends back at depth 0 does it dispose the tensors its tape
// nodes saved. Called at depth > 0 (inside another gradient computation) it records onto the enclosing tape,
// its backward ops are recorded too, and nothing it saved is freed until the outermost call returns. So a head
// differentiated while the trunk's tape is open would keep every head's logits alive until the trunk's backward
// (O(n·V) memory), and its ops would join the trunk's tape. Setting the tape and the depth aside while the heads
// run, and restoring both afterwards, gives each head a private tape that is freed before the next head while
// the trunk's tape resumes exactly as it was. `Engine.state` and these two fields are public in tfjs-core's
// typings; tape.test.ts checks that the behaviour relied on here still holds.
import * as tf from '@tensorflow/tfjs-core';

type EngineState = ReturnType<typeof tf.engine>['state'];

/**
 * Runs `fn` with any open gradient tape set aside: ops in `fn` are not recorded on it (their results are
 * constants to the enclosing gradient computation) and gradients taken inside `fn` use, and free, a tape of
 * their own. The enclosing tape and depth are restored afterwards, also when `fn` throws (a tape that a
 * gradient computation inside `fn` abandoned by throwing is freed first).
 */
export function outsideTape<T>(fn: () => T): T {
  const state = tf.engine().state;
  const tape = state.activeTape;
  const depth = state.gradientDepth;
  state.gradientDepth = 0;
  try {
    return fn();
  } catch (error) {
    if (state.activeTape !== tape) discardAbandonedTape();
    throw error;
  } finally {
    state.activeTape = tape;
    state.gradientDepth = depth;
  }
}

/**
 * After a gradient computation begun at depth 0 threw, frees the tensors saved by the tape it left behind
 * (tfjs frees them only when the computation completes) and drops that tape. Does nothing while an enclosing
 * gradient computation is still recording: that tape is not ours to free.
 */
export function discardAbandonedTape(): void {
  const state: EngineState = tf.engine().state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) tf.dispose(node.saved ?? []);
  (state as { activeTape: EngineState['activeTape'] | null }).activeTape = null;
}
