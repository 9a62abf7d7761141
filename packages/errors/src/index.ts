export { BeyondNtpError, type BrandedErrorClass } from './beyond-ntp-error.js';
export {
  JsonFileError,
  type JsonFileErrorCode,
  type ParseBoundedJsonOptions,
  parseBoundedJson,
} from './bounded-json.js';
export { describeValue } from './describe-value.js';
export { NodeOnlyError, type NodeOnlyErrorOptions } from './node-only-error.js';
