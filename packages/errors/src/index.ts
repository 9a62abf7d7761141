export { BeyondNtpError, type BrandedErrorClass } from './beyond-ntp-error.js';
