// Child process of backend-check.test.ts: creates a model without registering any backend and prints what
// was thrown (tfjs-core alone registers none).
import { createModel } from '../src/model.js';

try {
  createModel({ vocabSize: 8, contextLength: 4, dModel: 4, nLayers: 1, nHeads: 1 });
  process.stdout.write('created\n');
} catch (error) {
  process.stdout.write(
    `${(error as Error).name} ${(error as { code?: string }).code}: ${(error as Error).message}\n`,
  );
}
