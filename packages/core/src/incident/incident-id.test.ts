import { describe, expect, it } from 'vitest';
import { createIncidentId } from './incident-id.js';

describe('createIncidentId', () => {
  it('returns a fresh UUID by default', () => {
    const first = createIncidentId();
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(createIncidentId()).not.toBe(first);
  });

  it('uses the injected random source', () => {
    expect(createIncidentId({ randomUUID: () => '00000000-0000-4000-8000-000000000001' })).toBe(
      '00000000-0000-4000-8000-000000000001',
    );
  });
});
