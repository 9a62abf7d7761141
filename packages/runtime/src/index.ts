export { BACKEND_NAMES, type BackendName } from './candidates.js';
export { BackendUnavailableError } from './errors.js';
export { registerGradients } from './gradients.js';
export {
  BACKEND_ENV_VAR,
  type BackendAttempt,
  type BackendInfo,
  describeBackend,
  type InitBackendOptions,
  initBackend,
} from './init-backend.js';
