import { describe, expect, it } from 'vitest';
import config from '../vitest.config.js';

// vitest 4 inline projects ignore the root `test` options unless they say `extends: true`; without it every
// test silently ran with the 5 s default timeout and the suite failed on a busy machine.
describe('vitest.config.ts', () => {
  const projects = (config.test?.projects ?? []) as { extends?: unknown; test?: { name?: string } }[];

  it('defines a project per workspace package and backend', () => {
    const names = projects.map((p) => p.test?.name);
    expect(names).toContain('workspace');
    expect(names).toContain('@beyond-ntp/tokenizer');
    expect(names.some((n) => n?.startsWith('@beyond-ntp/transformer-core ('))).toBe(true);
  });

  it('lets every inline project inherit the root timeouts', () => {
    expect(config.test?.testTimeout).toBeGreaterThanOrEqual(60_000);
    expect(config.test?.hookTimeout).toBeGreaterThanOrEqual(60_000);
    for (const project of projects)
      expect({ name: project.test?.name, extends: project.extends }).toEqual({
        name: project.test?.name,
        extends: true,
      });
  });
});
