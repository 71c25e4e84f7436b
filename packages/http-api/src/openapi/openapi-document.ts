import { z } from 'zod';
import { type RouteSpec, routes } from '../api/routes.js';
import { apiSchemaRegistry, errorResponseSchema } from '../schemas/api-schemas.js';

const componentRef = (id: string) => `#/components/schemas/${id}`;

/**
 * The OpenAPI 3.1 document, built from the same zod schemas the router validates with: path
 * and query parameters from the route's schemas, bodies and answers by reference to the
 * registered components. The API serves it at `GET /openapi.json`.
 *
 * @example
 * ```ts
 * import { writeFileSync } from 'node:fs';
 * import { buildOpenApiDocument } from '@website-monitor/http-api';
 *
 * writeFileSync('openapi.json', JSON.stringify(buildOpenApiDocument({ serverUrl: 'http://127.0.0.1:9090' }), null, 2));
 * ```
 */
export function buildOpenApiDocument(
  options: { readonly version?: string; readonly serverUrl?: string } = {},
) {
  const { schemas } = z.toJSONSchema(apiSchemaRegistry, { uri: componentRef, io: 'input' }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  const components: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    components[id] = rest;
  }
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method.toLowerCase()] = operationOf(route);
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'website-monitor operator API',
      version: options.version ?? '0.1.0',
      description:
        'Reads need `Authorization: Bearer <MONITOR_API_TOKEN>` when the server listens beyond loopback; every write needs it always.',
    },
    ...(options.serverUrl ? { servers: [{ url: options.serverUrl }] } : {}),
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
  };
}

function operationOf(route: RouteSpec): Record<string, unknown> {
  const parameters = [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')];
  const responses: Record<string, unknown> = {};
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      content: response.schema
        ? { 'application/json': { schema: schemaRef(response.schema) } }
        : response.mediaType
          ? { [response.mediaType]: {} }
          : { 'application/json': { schema: { $ref: componentRef(errorId()) } } },
    };
  }
  responses['400'] ??= errorResponse('Invalid path or query parameter, or malformed JSON');
  // Answered by the server before any route: a Host it does not serve (DNS rebinding), and
  // the agent stopping (in-flight requests finish, new ones are turned away).
  responses['421'] ??= errorResponse('The Host header names no host this API serves (see api.allowed_hosts)');
  responses['503'] ??= errorResponse('The agent is stopping, or a limit of clients is reached; retry later');
  if (route.access !== 'open') {
    responses['401'] ??= errorResponse('Missing or wrong bearer token');
    responses['429'] ??= errorResponse('Too many wrong tokens from this client: wait as Retry-After says');
  }
  if (route.access === 'write') {
    responses['403'] ??= errorResponse('No MONITOR_API_TOKEN configured: writes are refused');
    responses['413'] ??= errorResponse('Request body over the size limit');
    responses['422'] ??= errorResponse('The body does not match its schema');
  }
  return {
    operationId: route.id,
    summary: route.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            ...bodyDescriptionOf(route.body),
            // No body reads as `{}`: required only when `{}` misses the schema.
            required: !route.body.safeParse({}).success,
            content: { 'application/json': { schema: schemaRef(route.body) } },
          },
        }
      : {}),
    responses,
    ...(route.access === 'open' ? { security: [] } : { security: [{ bearer: [] }] }),
  };
}

function parametersOf(schema: z.ZodObject | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const {
      $schema: _dialect,
      description,
      ...json
    } = z.toJSONSchema(field as z.ZodType, {
      io: 'input',
    }) as Record<string, unknown>;
    return {
      name,
      in: location,
      required: location === 'path' || !(field as z.ZodType).safeParse(undefined).success,
      ...(description ? { description } : {}),
      schema: json,
    };
  });
}

function bodyDescriptionOf(schema: z.ZodType): { description?: string } {
  const description = apiSchemaRegistry.get(schema)?.description;
  return description ? { description } : {};
}

function schemaRef(schema: z.ZodType): Record<string, unknown> {
  const meta = apiSchemaRegistry.get(schema);
  if (meta) return { $ref: componentRef(meta.id) };
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'output' }) as Record<string, unknown>;
  return json;
}

function errorId(): string {
  return apiSchemaRegistry.get(errorResponseSchema)!.id;
}

function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: { $ref: componentRef(errorId()) } } } };
}
