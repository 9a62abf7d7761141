// `pnpm --filter @beyond-ntp-examples/layer-law <smoke | quick | full>`; `--help` lists the flags.
import { main } from '@beyond-ntp-examples/kit';
import { experiment } from './experiment.js';

await main(experiment);
