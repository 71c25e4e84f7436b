import { hostNameProblem, maxHostNameLength } from '@website-monitor/core';
import { z } from 'zod';
import { apiSchemaRegistry, containerMetricsQuerySchema, incidentsQuerySchema } from './api-schemas.js';

/** `?host=`: one host's name, as its agent records under it. */
export const hostNameSchema = z
  .string()
  .max(maxHostNameLength, `must be at most ${maxHostNameLength} characters`)
  .superRefine((value, context) => {
    const problem = hostNameProblem(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

/** `?host=` where `*` (every host) is allowed too. */
export const hostOrAllSchema = z
  .string()
  .max(maxHostNameLength, `must be at most ${maxHostNameLength} characters`)
  .superRefine((value, context) => {
    if (value === '*') return;
    const problem = hostNameProblem(value);
    if (problem !== undefined) context.addIssue({ code: 'custom', message: problem });
  });

const hostOrAll = hostOrAllSchema
  .optional()
  .describe(
    "A host's name (as GET /monitor/hosts lists it), or `*` for every host; absent: this agent's host",
  );
const oneHost = hostNameSchema
  .optional()
  .describe("A host's name (as GET /monitor/hosts lists it); absent: this agent's host");

export const statusQuerySchema = z.object({ host: hostOrAll });
export const incidentsHostQuerySchema = incidentsQuerySchema.extend({ host: hostOrAll });
export const approvalsQuerySchema = z.object({ host: oneHost });
export const containerMetricsHostQuerySchema = containerMetricsQuerySchema.extend({ host: oneHost });
/** Writes act on this agent's own engine: `?host=` may only name this agent's host. */
export const writeHostQuerySchema = z.object({
  host: hostOrAllSchema.optional().describe("Only this agent's own host is accepted (409 otherwise)"),
});

const isoTime = z.string().describe('ISO 8601 time (UTC)');

export const hostSchema = z
  .object({
    host: z.string(),
    engineId: z.string().nullable().describe("The engine's ID (`docker info` → ID)"),
    engineName: z.string().nullable().describe("The engine's name (`docker info` → Name)"),
    role: z.enum(['active', 'standby']),
    agentVersion: z.string(),
    startedAt: isoTime,
    lastSeenAt: isoTime.describe('When the agent last reported'),
    reporting: z
      .boolean()
      .describe("false when the last report is older than 3 × this agent's `hosts.report_interval`"),
    self: z.boolean().describe("This agent's own host"),
    containers: z.number(),
    unhealthy: z.number(),
    openIncidents: z.number(),
  })
  .register(apiSchemaRegistry, { id: 'Host' });

export const hostsResponseSchema = z
  .object({ hosts: z.array(hostSchema).describe('Sorted by host'), self: z.string() })
  .register(apiSchemaRegistry, { id: 'HostsResponse' });
