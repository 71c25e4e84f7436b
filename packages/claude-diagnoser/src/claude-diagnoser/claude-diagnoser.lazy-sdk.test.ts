import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FakeAnthropicServer, startFakeAnthropicServer, validDiagnosisReply } from '../testing/index.js';
import { createClaudeDiagnoser } from './claude-diagnoser.js';
import { crashedContainerContext } from './diagnosis-context.test-helper.js';

// vi.mock's factory runs when the module is first imported, so counting its runs tells whether
// (and when) the diagnoser loaded the SDK. The real SDK is returned: calls still go over HTTP.
const sdkLoads = vi.hoisted(() => ({ count: 0 }));
vi.mock('@anthropic-ai/sdk', async (importOriginal) => {
  sdkLoads.count += 1;
  return importOriginal();
});

const servers: FakeAnthropicServer[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('createClaudeDiagnoser loads the Anthropic SDK only when it can call it', () => {
  it('never loads it without a key; with one, loads it once, at creation rather than in the first diagnosis', async () => {
    vi.stubEnv('ANTHROPIC_API_KEY', '');
    const keyless = createClaudeDiagnoser({ model: 'claude-test-model' });
    await expect(keyless.diagnose({ context: crashedContainerContext() })).rejects.toMatchObject({
      kind: 'no_api_key',
    });
    expect(sdkLoads.count).toBe(0);

    const server = await startFakeAnthropicServer({ script: validDiagnosisReply() });
    servers.push(server);
    const keyed = createClaudeDiagnoser({
      apiKey: 'test-key',
      model: 'claude-test-model',
      baseURL: server.url,
      maxRetries: 0,
    });
    // Loaded in the background at start: the first diagnosis does not stall the event loop on it.
    await vi.waitFor(() => expect(sdkLoads.count).toBe(1));
    const diagnosis = await keyed.diagnose({ context: crashedContainerContext() });
    expect(diagnosis.source).toBe('model');
    expect(sdkLoads.count).toBe(1);
    expect(server.requests).toHaveLength(1);
  });
});
