import { describe, expect, it } from 'vitest';
import { describeWebhookUrl } from './webhook-url.js';

describe('describeWebhookUrl', () => {
  it('keeps only the origin, hiding the path and query that carry the credential', () => {
    expect(describeWebhookUrl('https://hooks.slack.com/services/T0/B0/XXXXSECRET')).toBe(
      'https://hooks.slack.com/…',
    );
    expect(describeWebhookUrl('https://alerts.example.com/?key=abc')).toBe('https://alerts.example.com/…');
    expect(describeWebhookUrl('https://user:pw@alerts.example.com')).toBe('https://alerts.example.com');
    expect(describeWebhookUrl('not a url')).toBe('(invalid URL)');
  });
});
