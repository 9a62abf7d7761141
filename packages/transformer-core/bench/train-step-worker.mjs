// Worker threads start without TypeScript support: register tsx, then load the worker replica.
import { register } from 'tsx/esm/api';

register();
await import('./train-step-worker.ts');
