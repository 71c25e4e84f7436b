import { describe, expect, it } from 'vitest';
import { parseExpectedStatus } from './expected-status.js';

describe('parseExpectedStatus', () => {
  it('accepts a code, a range, a comma list and a mixed list', () => {
    expect(parseExpectedStatus(204)).toEqual({ ok: true, codes: [204] });
    expect(parseExpectedStatus('200-202')).toEqual({ ok: true, codes: [200, 201, 202] });
    expect(parseExpectedStatus('200, 404')).toEqual({ ok: true, codes: [200, 404] });
    expect(parseExpectedStatus([301, '200-201', 200])).toEqual({ ok: true, codes: [200, 201, 301] });
  });

  it('rejects what is not an HTTP status', () => {
    expect(parseExpectedStatus('2xx')).toMatchObject({ ok: false });
    expect(parseExpectedStatus(700)).toMatchObject({
      ok: false,
      message: 'status 700 is not a valid HTTP status range',
    });
    expect(parseExpectedStatus('399-200')).toMatchObject({ ok: false });
    expect(parseExpectedStatus([])).toMatchObject({ ok: false });
    expect(parseExpectedStatus(true)).toMatchObject({ ok: false });
  });
});
