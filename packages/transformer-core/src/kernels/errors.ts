import { BeyondNtpError } from '../beyond-ntp-error.js';

/**
 * What went wrong in a {@link KernelError}:
 * - `KERNEL_UNAVAILABLE`: a fused WebAssembly kernel ran where WebAssembly SIMD is missing;
 * - `KERNEL_INPUT_INVALID`: a kernel input has no data on the backend running the kernel.
 */
export type KernelErrorCode = 'KERNEL_UNAVAILABLE' | 'KERNEL_INPUT_INVALID';

/**
 * Thrown by the fused WebAssembly kernels. The model only runs them where {@link wasmKernelsAvailable} is true,
 * so seeing one means a kernel was called directly on an unsupported host or with a foreign tensor.
 */
export class KernelError extends BeyondNtpError<KernelErrorCode> {
  /** Brand checked by {@link BeyondNtpError.isInstance}. */
  static override readonly brand: symbol = Symbol.for('@beyond-ntp/transformer-core/KernelError');
}
