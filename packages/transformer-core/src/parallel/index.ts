export { DataParallel, type DataParallelOptions, type ParallelGradients } from './data-parallel.js';
export { type Replica, serveReplica } from './serve-replica.js';
