import { describe, expect, it } from 'vitest';
import { ExperimentProgress } from './progress.js';

function setup(runs: { id: string; units: number; weight?: number; done?: number }[]) {
  const lines: string[] = [];
  let clock = 0;
  const progress = new ExperimentProgress({
    stream: { isTTY: false, write: (text: string) => lines.push(...text.split('\n').filter(Boolean)) },
    runs: runs.map((run) => ({ weight: 1, done: 0, ...run })),
    now: () => clock,
  });
  return { progress, lines, advance: (seconds: number) => (clock += seconds * 1000) };
}

describe('ExperimentProgress', () => {
  it('estimates the time left from the speed of this session, counting earlier work as done but not as speed', () => {
    // Run a (100 units) finished earlier; run b resumes at unit 40 of 100; run c (100) is new. Total 300.
    const { progress, advance } = setup([
      { id: 'a', units: 100, done: 100 },
      { id: 'b', units: 100 },
      { id: 'c', units: 100 },
    ]);
    expect(progress.remaining()).toBe('?');
    progress.startRun('b', true);
    progress.update('b', 40); // where it resumed: not work of this session
    expect(progress.remaining()).toBe('?');
    advance(30);
    progress.update('b', 70); // 30 units in 30 s → 1 unit/s; 300 − 170 = 130 units left
    expect(progress.remaining()).toBe('2m 10s');
    advance(30);
    progress.finishRun('b', 'score 1'); // 60 units in 60 s, 100 left
    expect(progress.remaining()).toBe('1m 40s');
  });

  it('weights units by their cost', () => {
    // Run b's units cost 4× run a's: 10 units of a in 10 s → 1 weighted unit/s; 10 × 4 left → 40 s.
    const { progress, advance } = setup([
      { id: 'a', units: 10 },
      { id: 'b', units: 10, weight: 4 },
    ]);
    progress.startRun('a', false);
    progress.update('a', 0);
    advance(10);
    progress.finishRun('a', 'done');
    expect(progress.remaining()).toBe('40s');
  });

  it('prints plain lines at run start and end and, at most every 10 s, each tenth passed', () => {
    const { progress, lines, advance } = setup([
      { id: 'a', units: 50 },
      { id: 'b', units: 50 },
    ]);
    progress.startRun('a', false);
    progress.update('a', 0);
    for (let step = 1; step <= 50; step++) {
      advance(1);
      progress.update('a', step);
    }
    progress.finishRun('a', 'score 0.5 (50s)');
    expect(lines).toEqual([
      '[run 1/2] a: starting',
      '[run 1/2] a: 10/50 | experiment 10% | ETA 1m 30s',
      '[run 1/2] a: 20/50 | experiment 20% | ETA 1m 20s',
      '[run 1/2] a: 30/50 | experiment 30% | ETA 1m 10s',
      '[run 1/2] a: 40/50 | experiment 40% | ETA 1m 00s',
      '[run 1/2] a: finished; score 0.5 (50s)',
    ]);
  });

  it('draws one cli-progress bar for the whole experiment on a terminal, with messages above it', async () => {
    let output = '';
    let clock = 0;
    const progress = new ExperimentProgress({
      stream: { isTTY: true, write: (text: string) => (output += text) },
      runs: [
        { id: 'a', units: 10, weight: 1, done: 10 },
        { id: 'b', units: 10, weight: 1, done: 0 },
      ],
      live: true,
      now: () => clock,
    });
    await progress.open();
    progress.startRun('b', false);
    progress.update('b', 0);
    clock += 5000;
    progress.update('b', 5);
    progress.log('a message');
    progress.close();
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the terminal's escape sequences
    const plain = output.replace(/\x1B(\[[0-9;?]*[A-Za-z]|[78])/g, '');
    expect(plain).toContain('[run 2/2] b: starting\n');
    expect(plain).toContain('a message\n');
    expect(plain).toMatch(/ 75% \| run 2\/2 b 5\/10 \| ETA 5\.0s/);
  });

  it('refuses an unknown run id', () => {
    const { progress } = setup([{ id: 'a', units: 1 }]);
    expect(() => progress.update('b', 1)).toThrow('id: no run "b" in the plan');
  });
});
