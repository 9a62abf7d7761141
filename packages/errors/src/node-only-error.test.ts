import { expect, it } from 'vitest';
import { BeyondNtpError } from './beyond-ntp-error.js';
import { NodeOnlyError } from './index.js';

it('names the feature, the Node module and the alternative, and is a BeyondNtpError with code NODE_ONLY', () => {
  const error = new NodeOnlyError({
    feature: 'loadTokenizer(path)',
    module: 'node:fs',
    instead: 'fetch the file and call fromHfJson(text)',
  });
  expect(error.message).toBe(
    'loadTokenizer(path) needs Node.js (node:fs), which this environment does not provide; ' +
      'fetch the file and call fromHfJson(text).',
  );
  expect(error.code).toBe('NODE_ONLY');
  expect(error.feature).toBe('loadTokenizer(path)');
  expect(error.name).toBe('NodeOnlyError');
  expect(NodeOnlyError.isInstance(error)).toBe(true);
  expect(BeyondNtpError.isInstance(error)).toBe(true);
  expect(NodeOnlyError.isInstance(new Error('x'))).toBe(false);
});
