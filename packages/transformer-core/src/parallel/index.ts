export { DataParallel, type DataParallelOptions, type ParallelGradients } from './data-parallel.js';
export { type DataParallelGradientsOptions, dataParallelGradients } from './data-parallel-gradients.js';
export { DataParallelError, type DataParallelErrorCode } from './errors.js';
export { type Replica, serveReplica } from './serve-replica.js';
