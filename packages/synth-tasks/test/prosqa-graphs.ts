import type { ProsQARecord } from '../src/prosqa/record.js';

/**
 * Tom → lempus → grimpus → zhorpus is the shortest path (3 steps); Tom → sterpus → wumpus → grimpus is a
 * detour; Ann → rorpus is the other family (the negative option).
 */
export const detourGraph: ProsQARecord = {
  task: 'prosqa',
  split: 'test',
  question:
    'Tom is a lempus. Every lempus is a grimpus. Every grimpus is a zhorpus. Tom is a sterpus. ' +
    'Every sterpus is a wumpus. Every wumpus is a grimpus. Ann is a rorpus. Is Tom a rorpus or zhorpus?',
  steps: ['Tom is a lempus.', 'Every lempus is a grimpus.', 'Every grimpus is a zhorpus.'],
  answer: 'Tom is a zhorpus.',
  graph: {
    symbols: ['Tom', 'Ann', 'lempus', 'grimpus', 'zhorpus', 'sterpus', 'rorpus', 'wumpus'],
    edges: [
      [0, 2],
      [2, 3],
      [3, 4],
      [0, 5],
      [5, 7],
      [7, 3],
      [1, 6],
    ],
    root: 0,
    target: 4,
    negTarget: 6,
  },
};

/**
 * The entity is node 1 (Eva): two shortest paths Eva → impus | jompus → kerpus → lorpus. Bob → gurpor is
 * the negative option; rompus descends from Bob, Eva and the extra person Rex, whose other child tumpus
 * descends from neither start node.
 */
export const extraPersonGraph: ProsQARecord = {
  task: 'prosqa',
  split: 'train',
  question:
    'Bob is a gurpor. Bob is a rompus. Eva is a impus. Eva is a jompus. Rex is a rompus. Rex is a tumpus. ' +
    'Every impus is a kerpus. Every jompus is a kerpus. Every jompus is a rompus. Every kerpus is a lorpus. ' +
    'Is Eva a lorpus or gurpor?',
  steps: ['Eva is a impus.', 'Every impus is a kerpus.', 'Every kerpus is a lorpus.'],
  answer: 'Eva is a lorpus.',
  graph: {
    symbols: ['Bob', 'Eva', 'Rex', 'impus', 'jompus', 'kerpus', 'lorpus', 'gurpor', 'rompus', 'tumpus'],
    edges: [
      [0, 7],
      [0, 8],
      [1, 3],
      [1, 4],
      [2, 8],
      [2, 9],
      [3, 5],
      [4, 5],
      [4, 8],
      [5, 6],
    ],
    root: 1,
    target: 6,
    negTarget: 7,
  },
};
