export { BeyondNtpError, type BrandedErrorClass } from './beyond-ntp-error.js';
export { NodeOnlyError, type NodeOnlyErrorOptions } from './node-only-error.js';
