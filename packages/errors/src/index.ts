export { BeyondNtpError, type BrandedErrorClass } from './beyond-ntp-error.js';
export { type DescribeValueOptions, describeValue } from './describe-value.js';
export { type IntegerRange, integerProblem } from './integer-problem.js';
export { NodeOnlyError, type NodeOnlyErrorOptions } from './node-only-error.js';
export {
  type JsonProblem,
  type JsonValue,
  type ParsedJson,
  type ParseUntrustedJsonOptions,
  parseUntrustedJson,
} from './parse-json.js';
