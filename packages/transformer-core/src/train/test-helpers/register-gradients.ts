// tfjs-core ships its gradient definitions as a side-effect module that only bundlers can load (extensionless
// ESM imports); vitest is one. Tests that differentiate import this file.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
