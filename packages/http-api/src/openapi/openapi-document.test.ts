import { afterEach, describe, expect, it } from 'vitest';
import { type ApiHarness, startApiHarness } from '../api/api-harness.test-helper.js';
import { routes } from '../api/routes.js';
import { containerNameSchema, healRequestSchema } from '../schemas/api-schemas.js';

const harnesses: ApiHarness[] = [];
afterEach(async () => {
  await Promise.all(harnesses.splice(0).map((harness) => harness.close()));
});

// biome-ignore lint/suspicious/noExplicitAny: walking a parsed JSON document whose shape the test asserts
type Json = Record<string, any>;

/** Every `$ref` in the document, so each can be checked to resolve. */
function refsOf(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) refsOf(item, found);
  else if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string') found.push(child);
      else refsOf(child, found);
    }
  }
  return found;
}

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document of every route, built from the schemas that validate requests', async () => {
    const harness = await startApiHarness();
    harnesses.push(harness);
    const response = await harness.call('/openapi.json');
    expect(response.status).toBe(200);
    const document = (await response.json()) as Json;
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toBeTypeOf('string');

    for (const route of routes) {
      expect(document.paths[route.path]?.[route.method.toLowerCase()], route.path).toBeDefined();
    }
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/monitor/status',
        '/monitor/incidents',
        '/monitor/metrics/container/{name}',
        '/monitor/heal/{container}',
        '/monitor/approvals',
        '/monitor/approvals/{id}/approve',
        '/monitor/approvals/{id}/reject',
        '/healthz',
        '/metrics',
        '/monitor/events',
      ]),
    );

    const heal = document.paths['/monitor/heal/{container}'].post as Json;
    expect(heal.security).toEqual([{ bearer: [] }]);
    const containerParameter = heal.parameters.find((parameter: Json) => parameter.name === 'container');
    expect(containerParameter).toMatchObject({ in: 'path', required: true });
    // The very pattern the router validates with.
    const pattern = new RegExp(containerParameter.schema.pattern);
    for (const name of ['web', 'my_app.1', 'a1b2c3d4e5f6', '-bad', '../etc', 'x']) {
      expect(pattern.test(name) && name.length >= 2, name).toBe(containerNameSchema.safeParse(name).success);
    }
    expect(heal.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/HealRequest',
    });
    // The seed calls it with no body: nothing is required, and the document says what is recorded.
    expect(heal.requestBody.required).toBe(false);
    expect(heal.requestBody.description).toMatch(/no body/);
    expect(heal.summary).toMatch(/manual request via API/);
    const healRequest = document.components.schemas.HealRequest as Json;
    expect(healRequest.required).toBeUndefined();
    expect(healRequest.properties.reason.default).toBe('manual request via API');
    expect(Object.keys(healRequest.properties).sort()).toEqual(Object.keys(healRequestSchema.shape).sort());
    expect(healRequest.additionalProperties).toBe(false);
    expect(Object.keys(heal.responses)).toEqual(
      expect.arrayContaining(['200', '401', '403', '404', '409', '413', '421', '422', '429', '503']),
    );

    const incidents = document.paths['/monitor/incidents'].get as Json;
    expect(
      incidents.parameters.map((parameter: Json) => [parameter.name, parameter.in, parameter.required]),
    ).toEqual([
      ['hours', 'query', false],
      ['container', 'query', false],
      ['limit', 'query', false],
      ['host', 'query', false],
    ]);
    expect(document.paths['/healthz'].get.security).toEqual([]);

    for (const ref of refsOf(document)) {
      const name = ref.replace('#/components/schemas/', '');
      expect(document.components.schemas[name], ref).toBeDefined();
    }
    for (const id of ['Incident', 'ContainerStatus', 'HealthSample', 'Baseline', 'Approval', 'Error']) {
      expect(document.components.schemas[id], id).toBeDefined();
    }
  });
});
