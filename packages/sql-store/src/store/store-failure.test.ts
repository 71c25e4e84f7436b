import { StoreError } from '@website-monitor/core';
import { describe, expect, it } from 'vitest';
import { describeError, toStoreError } from './store-failure.js';

const redact = (text: string) => text.replaceAll('hunter2', '***');

describe('toStoreError', () => {
  it('makes one readable line and keeps a harmless cause as it is', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const error = toStoreError('PostgreSQL', 'saveIncident', cause, redact);
    expect(error).toBeInstanceOf(StoreError);
    expect(error.message).toBe('PostgreSQL store: saveIncident failed: connect ECONNREFUSED 127.0.0.1:5432');
    expect(error.cause).toBe(cause);
  });

  it('replaces a cause that carries a secret by a scrubbed copy with the same code', () => {
    const cause = Object.assign(new TypeError('Invalid URL postgres://u:hunter2@h:x/db'), {
      code: 'ERR_INVALID_URL',
    });
    const error = toStoreError('PostgreSQL', 'migrate', cause, redact);
    expect(error.message).not.toContain('hunter2');
    expect(error.cause).not.toBe(cause);
    expect(String((error.cause as Error).stack)).not.toContain('hunter2');
    expect((error.cause as { code?: string }).code).toBe('ERR_INVALID_URL');
  });

  it('describes an empty AggregateError by its inner errors', () => {
    const error = new AggregateError(
      [new Error('connect ECONNREFUSED ::1:5432'), new Error('connect ECONNREFUSED 127.0.0.1:5432')],
      '',
    );
    expect(describeError(error)).toBe('connect ECONNREFUSED ::1:5432; connect ECONNREFUSED 127.0.0.1:5432');
  });
});
