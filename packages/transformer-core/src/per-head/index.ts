export {
  type HeadByHeadGradients,
  type HeadByHeadGradientsOptions,
  headByHeadGradients,
} from './head-by-head.js';
export {
  type GradientRunOptions,
  type HeadGradients,
  type HeadGradientsOptions,
  headGradients,
} from './head-gradients.js';
export { type TrunkUpstream, type TrunkVjp, type TrunkVjpOptions, trunkVjp } from './trunk-vjp.js';
