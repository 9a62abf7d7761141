import { expect, it } from 'vitest';
import { formatDuration, formatNumber } from './format.js';

it('formats numbers to four significant digits without trailing zeros', () => {
  expect(
    [0.42131, 12.3456, -0.5, 1, 0, 1234.56, 0.0009876543, 12345678, 0.1 + 0.2].map(formatNumber),
  ).toEqual(['0.4213', '12.35', '-0.5', '1', '0', '1235', '9.877e-4', '1.235e+7', '0.3']);
  expect([Infinity, -Infinity, Number.NaN].map(formatNumber)).toEqual(['∞', '-∞', 'NaN']);
});

it('formats durations for people', () => {
  expect([0.04, 4.26, 42.4, 185, 3725, Infinity].map(formatDuration)).toEqual([
    '0.0s',
    '4.3s',
    '42s',
    '3m 05s',
    '1h 02m',
    '?',
  ]);
});
