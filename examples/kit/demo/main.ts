// `pnpm --filter @beyond-ntp-examples/kit demo [--smoke | --quick] [...]`; `--help` lists the flags.
import { main } from '../src/index.js';
import { demo } from './experiment.js';

await main(demo);
