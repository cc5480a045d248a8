import { describe, expect, it } from 'vitest';
import { describeError } from '../../src/shared/app-error.js';

describe('error texts', () => {
  it('never quote document values from duplicate-key errors', () => {
    const error = new Error('E11000 duplicate key error collection: scandy.users index: email_1 dup key: { email: "jürgen@example.org" }');
    expect(describeError(error)).toBe('E11000 duplicate key error collection: scandy.users index: email_1 dup key: { … }');
  });
});
