export * from './checkpoint/index.js';
export * from './train/index.js';
