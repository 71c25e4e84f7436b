import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact-secrets.js';

// Every fake secret is assembled at run time so secret scanners do not flag this repository.
const join = (...parts: string[]) => parts.join('');
const repeat = (unit: string, times: number) => unit.repeat(times);

const anthropicKey = join(
  'sk-',
  'ant-',
  'api03-',
  'Zx8Qm2Lk9Vb4Nc7Rt1Yp6Hs3Gd5Fa0Je',
  '-Wq2Er4Ty6Ui8Op0AsDfGhJkL-AA',
);
const openAiKey = join(
  'sk-',
  'proj-',
  'h7Gk2Lm9Pq4Rs8Tv1Wx5Yz3Ab6Cd0Ef',
  'T3Blbk',
  'FJ9Kd8Ls7Mf6Ng5Hb4Vc3Xz2',
);
const openAiLegacyKey = join('sk-', 'A1b2C3d4E5f6G7h8I9j0', 'T3Blbk', 'FJK1l2M3n4O5p6Q7r8S9t0');
const awsAccessKeyId = join('AK', 'IA', 'Q3EGRJ7ZK4XW2M5B');
const awsSecretKey = join('wJalrXUtnFEMI', '/K7MDENG/bPxRfiCY', 'EXAMPLEKEY9q');
const githubClassic = join('gh', 'p_', 'R4nd0mT0k3nV4lu3', 'Abc123Def456Ghi789Jk');
const githubOauth = join('gh', 'o_', '16C7e42F292c6912E7710c838347Ae178B4a');
const githubFineGrained = join(
  'github',
  '_pat_',
  '11ABCDEFG0',
  'aBcDeFgHiJkLmN_',
  'oPqRsTuVwXyZ0123456789aBcDeFgHiJkLmNoPqRsTuVwXyZ01',
);
const slackBot = join('xo', 'xb-', '2345678901-', '3456789012345-', 'aBcDeFgHiJkLmNoPqRsTuVwX');
const slackUser = join(
  'xo',
  'xp-',
  '1234567890-',
  '2345678901-',
  '3456789012-',
  'abcdef0123456789abcdef0123456789',
);
const jwt = join(
  'eyJ',
  'hbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
  '.eyJ',
  'zdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0',
  '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
);
const pemBody = repeat('MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7', 3);
const pem = join(
  '-----BEGIN ',
  'RSA PRIVATE KEY-----\n',
  pemBody,
  '\n',
  pemBody,
  '\n-----END ',
  'RSA PRIVATE KEY-----',
);
const stripeKey = join('sk', '_live_', '4eC39HqLyjWDarjtT1zdp7dc');

describe('redactSecrets masks each secret family', () => {
  const cases: readonly [string, string, string][] = [
    ['an Anthropic key', `calling api with ${anthropicKey} now`, 'anthropic_key'],
    ['an OpenAI project key', `OPENAI says 401 for ${openAiKey}`, 'openai_key'],
    ['a legacy OpenAI key', `key ${openAiLegacyKey} rejected`, 'openai_key'],
    ['an AWS access key id', `using credentials ${awsAccessKeyId} for s3`, 'aws_key'],
    ['an AWS secret key', `aws_secret_access_key = ${awsSecretKey}`, 'secret_value'],
    ['a GitHub classic token', `git clone https://${githubClassic}@github.com/acme/app`, 'github_token'],
    ['a GitHub OAuth token', `token ${githubOauth} expired`, 'github_token'],
    ['a GitHub fine-grained token', `GH=${githubFineGrained}`, 'github_token'],
    ['a Slack bot token', `slack post failed with ${slackBot}`, 'slack_token'],
    ['a Slack user token', `slack: ${slackUser}`, 'slack_token'],
    ['a JWT', `session=${jwt}; Path=/`, 'jwt'],
    ['a PEM private key', `loading key\n${pem}\ndone`, 'private_key'],
    ['a Stripe key', `charge failed (${stripeKey})`, 'stripe_key'],
  ];
  for (const [name, text, kind] of cases) {
    it(`masks ${name}`, () => {
      const redacted = redactSecrets(text);
      expect(redacted).toContain(`[REDACTED:`);
      expect(redacted).toContain(kind === 'secret_value' ? '[REDACTED:' : `[REDACTED:${kind}]`);
      for (const secret of [
        anthropicKey,
        openAiKey,
        openAiLegacyKey,
        awsAccessKeyId,
        awsSecretKey,
        githubClassic,
        githubOauth,
        githubFineGrained,
        slackBot,
        slackUser,
        jwt,
        pemBody,
        stripeKey,
      ]) {
        expect(redacted).not.toContain(secret);
      }
    });
  }

  it('masks a PEM block cut off by the log tail (no END line)', () => {
    const redacted = redactSecrets(`-----BEGIN ${'PRIVATE KEY-----'}\n${pemBody}\n${pemBody}`);
    expect(redacted).toBe('[REDACTED:private_key]');
  });

  it('masks Authorization bearer and basic values but keeps the scheme', () => {
    const bearer = join('Ab3dE', 'fGh1jKlMn0pQ', 'rStUvWxYz.9');
    const basic = Buffer.from(join('admin', ':', 'hunter2-Very-Secret')).toString('base64');
    expect(redactSecrets(`Authorization: Bearer ${bearer}`)).toBe(
      'Authorization: Bearer [REDACTED:authorization]',
    );
    expect(redactSecrets(`"authorization":"Basic ${basic}"`)).toBe(
      '"authorization":"Basic [REDACTED:authorization]"',
    );
    expect(redactSecrets(`curl -H 'Bearer ${bearer}' x`)).toBe("curl -H 'Bearer [REDACTED:bearer_token]' x");
  });

  it('masks passwords in URLs and keeps the user, host and path', () => {
    const password = join('s3cr', 'et!Pa55');
    expect(redactSecrets(`connecting to postgres://app:${password}@db:5432/app`)).toBe(
      'connecting to postgres://app:[REDACTED:url_password]@db:5432/app',
    );
    expect(redactSecrets(`redis://:${password}@cache:6379/0`)).toBe(
      'redis://:[REDACTED:url_password]@cache:6379/0',
    );
  });

  it('masks key=value, key: value and JSON pairs', () => {
    const value = join('hunt', 'er2-prod');
    expect(redactSecrets(`password=${value} user=app`)).toBe('password=[REDACTED:secret_value] user=app');
    expect(redactSecrets(`DB_PASSWORD: ${value}`)).toBe('DB_PASSWORD: [REDACTED:secret_value]');
    expect(redactSecrets(`api_key:${value}`)).toBe('api_key:[REDACTED:secret_value]');
    expect(redactSecrets(`{"client_secret": "${value} two", "user": "app"}`)).toBe(
      '{"client_secret": "[REDACTED:secret_value]", "user": "app"}',
    );
    expect(redactSecrets(`GET /cb?token=${value}&page=2`)).toBe(
      'GET /cb?token=[REDACTED:secret_value]&page=2',
    );
    expect(redactSecrets(`x-api-key: '${value}'`)).toBe("x-api-key: '[REDACTED:secret_value]'");
  });

  it('masks a high-entropy string written near a secret word', () => {
    const random = join('9fQ2x7LmA4', 'vR8tZ1kP3s', 'W6yB0');
    expect(redactSecrets(`using signing key ${random} for sessions`)).toBe(
      'using signing key [REDACTED:high_entropy] for sessions',
    );
    expect(redactSecrets(`the secret is now ${random}`)).toBe('the secret is now [REDACTED:high_entropy]');
  });

  it('masks extra values such as environment values wherever they appear', () => {
    const dbHost = join('db-primary', '.internal.acme');
    expect(redactSecrets(`cannot resolve ${dbHost}`, { extraValues: [dbHost, '1', 'true'] })).toBe(
      'cannot resolve [REDACTED:env_value]',
    );
    // Numbers, booleans and plain paths are not secrets and would blank out stack traces.
    expect(
      redactSecrets('at /app/server.js:12 on 8080 (true)', { extraValues: ['/app', '8080', 'true'] }),
    ).toBe('at /app/server.js:12 on 8080 (true)');
  });
});

describe('redactSecrets keeps ordinary text', () => {
  const ordinary = [
    'GET /api/orders/550e8400-e29b-41d4-a716-446655440000 200 12ms',
    'request_id=3f2b8c1e-9a7d-4e5f-8b6a-1c2d3e4f5a6b completed',
    'deployed commit 9fceb02d0ae598e95dc970b74767f19372d61af8 to production',
    'fetching https://registry.example.com:8443/v2/app/manifests/latest',
    'ERROR: connection refused to db:5432 (attempt 3/5)',
    'FATAL: password authentication failed for user "postgres"',
    'Killed process 1234 (node) total-vm:1048576kB, anon-rss:524288kB',
    'max_tokens: 100, tokenizer loaded, 12 keys in cache',
    'password: null',
    'sk-short and AKIA123 are not keys',
  ];
  for (const line of ordinary) {
    it(`keeps "${line}"`, () => {
      expect(redactSecrets(line)).toBe(line);
    });
  }
});

describe('redactSecrets masks a secret beside a credential it found', () => {
  const awsExampleId = join('AKIA', 'IOSFODNN7EXAMPLE');
  const awsExampleSecret = join('wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY');

  it('masks the AWS secret access key printed next to its key id (issue 10, item 7)', () => {
    expect(redactSecrets(`aws ${awsExampleId} ${awsExampleSecret}`)).toBe(
      'aws [REDACTED:aws_key] [REDACTED:high_entropy]',
    );
  });

  it('masks the pair in either order and with punctuation between', () => {
    expect(redactSecrets(`creds: ${awsExampleSecret}, ${awsExampleId}`)).toBe(
      'creds: [REDACTED:high_entropy], [REDACTED:aws_key]',
    );
    expect(redactSecrets(`"${awsExampleId}":"${awsExampleSecret}"`)).toBe(
      '"[REDACTED:aws_key]":"[REDACTED:high_entropy]"',
    );
  });

  it('masks a random token beside a known value, but not a word beside it', () => {
    const known = join('db-pass', '-Xy7');
    expect(redactSecrets(`login ${known} ${awsExampleSecret}`, { extraValues: [known] })).toBe(
      'login [REDACTED:env_value] [REDACTED:high_entropy]',
    );
    expect(redactSecrets(`login ${known} failed for user postgres`, { extraValues: [known] })).toBe(
      'login [REDACTED:env_value] failed for user postgres',
    );
  });

  it('does not mask a random token that is not beside a credential', () => {
    const line = `aws ${awsExampleId} region eu-west-1 request 9fceb02d0ae598e95dc970b74767f19372d61af8`;
    expect(redactSecrets(line)).toBe(
      'aws [REDACTED:aws_key] region eu-west-1 request 9fceb02d0ae598e95dc970b74767f19372d61af8',
    );
  });
});

describe('redactSecrets leaves near misses alone', () => {
  it.each([
    'passwor=hunter2 is not a key',
    'api_key without a value',
    'api_key',
    'Bearer',
    'Bearer short',
    'claude failed: no_api_key: set ANTHROPIC_API_KEY or pass apiKey',
    'invalid_token: the token has expired',
    'Authorization: Bearer',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder is the point
    'password: null, token: ***, secret=${DB_SECRET}, api_key=<your-key>',
    '{"data": {"list": [1, 2, 3]}}',
    '==== ==== "" \'\' :: ==',
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUEXAMPLE\n-----END CERTIFICATE-----',
  ])('keeps %j', (line) => {
    expect(redactSecrets(line)).toBe(line);
  });

  it('is idempotent: masked text is left as it is', () => {
    const once = redactSecrets(
      `password=hunter2-prod Authorization: Bearer abcdefghijklmnop postgres://u:p4ss@db/x ${join('AKIA', 'IOSFODNN7EXAMPLE')} ${join('wJalrXUtnFEMI/K7MDENG', '/bPxRfiCYEXAMPLEKEY')}`,
    );
    expect(redactSecrets(once)).toBe(once);
  });
});

describe('redactSecrets bounds what it scans', () => {
  it('cuts long text at a space near the limit and says how much it left out', () => {
    const text = `${'word '.repeat(100)}${'tail '.repeat(100)}`;
    const redacted = redactSecrets(text, { maxChars: 300 });
    expect(redacted.length).toBeLessThanOrEqual(300);
    expect(redacted).toMatch(/^(word )+(tail )*…\[truncated \d+ chars\]$/);
    expect(redactSecrets(redacted, { maxChars: 300 })).toBe(redacted);
  });

  it('masks the kept half of a known value the cut splits', () => {
    const known = 'correct horse battery staple';
    const text = `${'x '.repeat(40)}${known} and more`;
    const cutInside = text.indexOf('battery') + 3;
    const redacted = redactSecrets(text, { maxChars: cutInside + 40, extraValues: [known] });
    expect(redacted).not.toContain('correct horse');
    expect(redacted).toContain('[REDACTED:env_value]');
  });

  it('drops a token cut in two rather than keeping half of it', () => {
    const token = join('gh', 'p_', 'R4nd0mT0k3nV4lu3', 'Abc123Def456Ghi789Jk');
    const text = `clone with ${token} now`;
    const redacted = redactSecrets(text, { maxChars: 'clone with '.length + 45 });
    expect(redacted).not.toContain('R4nd0m');
  });
});
