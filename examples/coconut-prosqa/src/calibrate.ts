// How fast a small model learns chain of thought at a graph size, and what an update costs in CPU time:
// `pnpm --filter @beyond-ntp-examples/coconut-prosqa calibrate -- --nodes 10 --epochs 8`. Prints, per epoch, the
// CoT answer accuracy and valid-path share on held-out questions and the CPU seconds per update (user + system,
// which a loaded machine inflates far less than wall time). The README's choice of graph size rests on its output.
import { parseArgs } from 'node:util';
import { trainCurriculum } from '@beyond-ntp/coconut-curriculum';
import { initBackend } from '@beyond-ntp/runtime';
import { createModel } from '@beyond-ntp/transformer-core';
import { evaluateModel } from './evaluate.js';
import { planFor } from './plan.js';
import { modelConfig } from './run.js';
import { prosqaTask } from './task.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '10' },
    'min-steps': { type: 'string', default: '3' },
    'max-steps': { type: 'string', default: '4' },
    train: { type: 'string', default: '2000' },
    test: { type: 'string', default: '200' },
    epochs: { type: 'string', default: '8' },
    'd-model': { type: 'string', default: '64' },
    layers: { type: 'string', default: '2' },
    method: { type: 'string', default: 'cot' },
    thoughts: { type: 'string', default: '4' },
    batch: { type: 'string', default: '32' },
  },
});
const num = (name: keyof typeof values) => Number(values[name]);
await initBackend();
const base = planFor('full');
const plan = {
  ...base,
  task: {
    nodes: num('nodes'),
    minSteps: num('min-steps'),
    maxSteps: num('max-steps'),
    trainCount: num('train'),
    testCount: num('test'),
  },
  model: { ...base.model, dModel: num('d-model'), nLayers: num('layers') },
  maxLatentStage: num('thoughts'),
  batchSize: num('batch'),
};
const task = prosqaTask(plan.task);
const model = createModel(modelConfig(plan, task), { seed: 0 });
const method = values.method as 'cot' | 'no-curriculum';
console.log(
  `nodes ${plan.task.nodes}, steps ${plan.task.minSteps}-${plan.task.maxSteps}, ${task.train.length} train, vocab ${task.tokenizer.vocabSize}, ` +
    `longest question ${task.maxQuestion} + steps/answer ${task.maxAfter} tokens, d=${plan.model.dModel} L=${plan.model.nLayers}, batch ${plan.batchSize}`,
);
let cpu = process.cpuUsage();
let wall = performance.now();
await trainCurriculum({
  model,
  examples: task.examples,
  tokens: task.tokenizer.tokens,
  method,
  maxLatentStage: plan.maxLatentStage,
  epochsPerStage: 1,
  epochs: num('epochs'),
  batchSize: plan.batchSize,
  learningRate: plan.learningRate,
  clipNorm: plan.clipNorm,
  onEpochEnd: ({ epoch, loss, steps }) => {
    const used = process.cpuUsage(cpu);
    const cpuPerStep = (used.user + used.system) / 1e6 / steps;
    const wallPerStep = (performance.now() - wall) / 1000 / steps;
    const e = evaluateModel({
      model,
      method,
      maxLatentStage: plan.maxLatentStage,
      records: task.test,
      tokenizer: task.tokenizer,
      maxNewTokens: task.maxAfter,
      batchSize: 100,
    });
    console.log(
      `epoch ${epoch + 1}: loss ${loss.toFixed(3)}, accuracy ${e.accuracy.toFixed(3)}, valid path ${e.validPath.toFixed(3)}, ` +
        `tokens ${e.tokens.toFixed(1)}; ${cpuPerStep.toFixed(3)} CPU s / update (${wallPerStep.toFixed(3)} wall)`,
    );
    cpu = process.cpuUsage();
    wall = performance.now();
  },
});
