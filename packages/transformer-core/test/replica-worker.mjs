// Worker threads start without the test runner's TypeScript support: register tsx, then load the worker.
import { register } from 'tsx/esm/api';

register();
await import('./replica-worker.ts');
