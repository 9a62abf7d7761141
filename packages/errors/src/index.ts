export { BeyondNtpError, type BrandedErrorClass } from './beyond-ntp-error.js';
export { type DescribeValueOptions, describeValue } from './describe-value.js';
export { type ParsedJson, type ParseUntrustedJsonOptions, parseUntrustedJson } from './parse-json.js';
