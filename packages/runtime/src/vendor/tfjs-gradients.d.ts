import type { GradConfig } from '@tensorflow/tfjs-core';

/** tfjs-core's gradient definitions (see scripts/bundle-gradients.mjs). */
export declare const gradConfigs: GradConfig[];
