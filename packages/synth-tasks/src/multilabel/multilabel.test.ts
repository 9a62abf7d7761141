import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateMultilabel, labelsFromText, parseLabels } from './evaluate.js';
import { generateMultilabel } from './generate.js';
import type { MultilabelRecord } from './record.js';
import { multilabelStats } from './stats.js';

const record = (labels: string[]): MultilabelRecord => ({
  task: 'multilabel',
  split: 'test',
  text: '',
  labels,
});

describe('multilabel', () => {
  it('derives dependent labels from keywords', () => {
    expect(labelsFromText('The dog ate the soup.')).toEqual(['animals', 'food', 'home']);
    expect(labelsFromText('The choir sang in the rain.')).toEqual(['music', 'weather', 'outdoors']);
    expect(labelsFromText('Nothing happened.')).toEqual([]);
  });

  it('scores sets by hand: exact match, micro-F1, macro-F1', () => {
    const records = [record(['food', 'music', 'home']), record(['sport', 'outdoors'])];
    // Record 1: predicted {music, food} → tp food, music; fn home. Record 2: {sport, outdoors, travel} → fp travel.
    const score = evaluateMultilabel({
      records,
      predictions: ['music, food', ['sport', 'outdoors', 'travel']],
    });
    expect(score.exactMatch).toBe(0);
    // micro: tp 4, fp 1, fn 1 → 8 / 10.
    expect(score.microF1).toBeCloseTo(0.8, 12);
    // per label: food 1, music 1, sport 1, travel 0, outdoors 1, home 0 → macro 4/6.
    expect(score.perLabelF1).toEqual({ food: 1, music: 1, sport: 1, travel: 0, outdoors: 1, home: 0 });
    expect(score.macroF1).toBeCloseTo(4 / 6, 12);
    const perfect = evaluateMultilabel({ records, predictions: ['home, music, food', 'outdoors,sport'] });
    expect(perfect).toMatchObject({ exactMatch: 1, microF1: 1, macroF1: 1 });
    expect(parseLabels(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
  });

  it('every generated label set is confirmed by the keyword oracle', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 6 }), (seed, maxTopics) => {
        for (const r of generateMultilabel({ seed, count: 20, maxTopics })) {
          expect(labelsFromText(r.text)).toEqual(r.labels);
          expect(r.labels.filter((l) => l !== 'outdoors' && l !== 'home').length).toBeLessThanOrEqual(
            maxTopics,
          );
        }
      }),
      { numRuns: 40 },
    );
  });

  it('labels co-occur through the affinity table', () => {
    const records = generateMultilabel({ seed: 5, count: 2000 });
    const stats = multilabelStats(records);
    const both = (a: string, b: string) =>
      records.filter((r) => r.labels.includes(a) && r.labels.includes(b)).length;
    // Weather pulls travel in far more often than animals do.
    expect(both('weather', 'travel')).toBeGreaterThan(2 * both('animals', 'travel'));
    expect(stats.meanLabels).toBeGreaterThan(1.5);
    expect(() => generateMultilabel({ seed: 1, count: 1, maxTopics: 9 })).toThrow(
      /"maxTopics" must be an integer in 1\.\.6/,
    );
  });
});
