// Worker threads start without a TypeScript loader: register tsx, then load the worker module.
import { register } from 'tsx/esm/api';

register();
await import('./multi-token-replica.ts');
