import { initBackend } from '@beyond-ntp/runtime';

// Model-side suites run on the backend their project names (BNTP_BACKEND is set per project).
await initBackend();
