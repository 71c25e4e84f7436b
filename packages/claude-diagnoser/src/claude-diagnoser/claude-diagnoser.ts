import { createHash } from 'node:crypto';
import type Anthropic from '@anthropic-ai/sdk';
import {
  builtInActionNames,
  type Clock,
  type Diagnoser,
  type Diagnosis,
  type DiagnosisContext,
  type DiagnosisUsage,
  type Logger,
  redactContext,
  silentLogger,
  systemClock,
} from '@website-monitor/core';
import { diagnosisTool, readDiagnosisAnswer } from '../answer/diagnosis-answer.js';
import { AnswerCache } from '../cost/answer-cache.js';
import { CallLimiter } from '../cost/call-limiter.js';
import { failureSignature } from '../cost/failure-signature.js';
import {
  defaultPromptLimits,
  diagnosisToolName,
  type PromptLimits,
  promptVersion,
  systemPrompt,
  userPrompt,
} from '../prompt/diagnosis-prompt.js';
import { ClaudeDiagnoserError } from './claude-diagnoser-error.js';
import { retryAfterMsOf, type SdkErrorClasses, toClaudeDiagnoserError } from './sdk-error-reason.js';

/**
 * The part of the Anthropic client the diagnoser uses, by shape, so a test or a caller can pass
 * any compatible client (a wrapped one, another SDK install).
 */
export interface MessagesClient {
  readonly messages: {
    create(
      body: Anthropic.MessageCreateParamsNonStreaming,
      options?: { signal?: AbortSignal; timeout?: number; maxRetries?: number },
    ): PromiseLike<Anthropic.Message>;
  };
}

export interface ClaudeDiagnoserOptions {
  /** Defaults to the ANTHROPIC_API_KEY environment variable; not needed when `client` is given. */
  readonly apiKey?: string;
  /** e.g. `claude-sonnet-4-5`. */
  readonly model: string;
  /** Another Messages API endpoint (a proxy, or a local fake in tests). */
  readonly baseURL?: string;
  /** A ready client; the options above are then ignored. */
  readonly client?: MessagesClient;
  /** Per HTTP attempt. Default 20 s (the SDK's own default is 10 minutes). */
  readonly timeoutMs?: number;
  /** SDK retries on 408/409/429/5xx and connection errors, honouring retry-after. Default 2. */
  readonly maxRetries?: number;
  /**
   * Wall-clock limit for one diagnosis including every retry; past it the call is abandoned and
   * healing proceeds on the rules' diagnosis. Default 45 s.
   */
  readonly deadlineMs?: number;
  /** Minimum time between two API calls about the same container. Default 60 s. */
  readonly cooldownMs?: number;
  /** API calls allowed per rolling hour, for all containers together. Default 30. */
  readonly hourlyCallBudget?: number;
  /** How long an answer is reused for the same failure signature. Default 10 min; 0 turns it off. */
  readonly cacheTtlMs?: number;
  /** Default 1024. */
  readonly maxTokens?: number;
  /**
   * Actions the model may name, besides `manual`. Default: the built-in actions except
   * `custom_script` and `diagnose_with_claude`, which a model can never choose.
   */
  readonly actions?: readonly string[];
  readonly promptLimits?: Partial<PromptLimits>;
  /** Drives cooldown, budget and cache time. The HTTP timeouts are real time. */
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const neverByModel = new Set(['custom_script', 'diagnose_with_claude', 'manual']);

export const defaultModelActions: readonly string[] = builtInActionNames.filter(
  (name) => !neverByModel.has(name),
);

/**
 * A `Diagnoser` backed by Claude through the Messages API. Everything sent is redacted and
 * bounded first; container text sits in a fenced `<untrusted_logs>` block; the answer comes
 * through a forced tool whose action is an enum and is validated with zod. Any failure (no key,
 * 429, 5xx, timeout, an answer that does not validate, the budget) throws a
 * `ClaudeDiagnoserError` with a short reason: the agent then uses the rules' diagnosis and
 * records why.
 */
export function createClaudeDiagnoser(options: ClaudeDiagnoserOptions): Diagnoser {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxRetries = options.maxRetries ?? 2;
  const deadlineMs = options.deadlineMs ?? 45_000;
  const maxTokens = options.maxTokens ?? 1024;
  const actions = [
    ...(options.actions ?? defaultModelActions).filter((name) => !neverByModel.has(name)),
    'manual',
  ];
  const limits = { ...defaultPromptLimits, ...options.promptLimits };
  const limiter = new CallLimiter({
    cooldownMs: options.cooldownMs ?? 60_000,
    hourlyBudget: options.hourlyCallBudget ?? 30,
  });
  const cache = new AnswerCache({ ttlMs: options.cacheTtlMs ?? 600_000 });
  const system = systemPrompt(actions);
  const tool = diagnosisTool(actions);
  let client = options.client;
  let sdk: Promise<typeof import('@anthropic-ai/sdk')> | undefined;

  // The SDK (~5 MB of heap, plus fetch) is loaded at the first call that can use it, not at
  // start: an agent with Claude enabled but no key, the default, never pays for it.
  const clientOrFail = async (): Promise<{ api: MessagesClient; errors: SdkErrorClasses }> => {
    const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY;
    if (!client && !apiKey) {
      throw new ClaudeDiagnoserError('no_api_key', 'no_api_key: set ANTHROPIC_API_KEY or pass apiKey');
    }
    sdk ??= import('@anthropic-ai/sdk');
    const loaded = await sdk;
    client ??= new loaded.default({ apiKey, baseURL: options.baseURL, timeout: timeoutMs, maxRetries });
    return { api: client, errors: loaded };
  };

  async function diagnose({
    context,
    signal,
  }: {
    readonly context: DiagnosisContext;
    readonly signal?: AbortSignal;
  }): Promise<Diagnosis> {
    const container = context.incident.containerName;
    const cacheKey = hash([options.model, promptVersion, actions.join(','), failureSignature(context)]);
    const cached = cache.get(cacheKey, clock.now());
    if (cached) {
      logger.log('info', 'claude_diagnosis_cached', { container, incident_id: context.incident.id });
      const { usage: _spentEarlier, ...diagnosis } = cached.diagnosis;
      return {
        ...diagnosis,
        reasoning: `${diagnosis.reasoning} (cached answer from ${new Date(cached.storedAt).toISOString()}, same failure signature)`,
      };
    }
    const { api, errors } = await clientOrFail();
    const refusal = limiter.refusal(container, clock.now());
    if (refusal) throw new ClaudeDiagnoserError(refusal.kind, refusal.message);
    limiter.recordCall(container, clock.now());

    const redacted = redactContext(context);
    const body: Anthropic.MessageCreateParamsNonStreaming = {
      model: options.model,
      max_tokens: maxTokens,
      system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
      tools: [tool],
      tool_choice: { type: 'tool', name: diagnosisToolName, disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: userPrompt(redacted, limits) }],
    };

    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deadlineMs);
    const startedAt = Date.now();
    let message: Anthropic.Message;
    try {
      message = await api.messages.create(body, {
        signal: signal ? AbortSignal.any([signal, deadline.signal]) : deadline.signal,
        timeout: timeoutMs,
        maxRetries,
      });
    } catch (error) {
      const failure = toClaudeDiagnoserError(error, errors, {
        timeoutMs,
        deadlineMs,
        deadlineExpired: deadline.signal.aborted,
      });
      if (failure.kind === 'rate_limited') {
        const retryAfterMs = retryAfterMsOf(error);
        if (retryAfterMs !== undefined) limiter.pauseUntil(clock.now() + retryAfterMs);
      }
      logger.log('warn', 'claude_diagnosis_failed', {
        container,
        incident_id: context.incident.id,
        reason: failure.message,
        request_id: failure.requestId,
        duration_ms: Date.now() - startedAt,
      });
      throw failure;
    } finally {
      clearTimeout(timer);
    }

    const usage = usageOf(message);
    const requestId = (message as { _request_id?: string | null })._request_id ?? undefined;
    const answer = readDiagnosisAnswer(message, actions);
    if (!answer.ok) {
      logger.log('warn', 'claude_diagnosis_failed', {
        container,
        incident_id: context.incident.id,
        reason: `invalid_answer: ${answer.reason}`,
        request_id: requestId,
        input_tokens: usage.inputTokens,
        output_tokens: usage.outputTokens,
      });
      throw new ClaudeDiagnoserError('invalid_answer', `invalid_answer: ${answer.reason}`, { requestId });
    }
    const diagnosis: Diagnosis = { ...answer.diagnosis, source: 'model', usage };
    cache.set(cacheKey, diagnosis, clock.now());
    logger.log('info', 'claude_diagnosis', {
      container,
      incident_id: context.incident.id,
      model: options.model,
      recommended_action: diagnosis.recommendedAction,
      confidence: diagnosis.confidence,
      request_id: requestId,
      duration_ms: Date.now() - startedAt,
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cache_read_tokens: usage.cacheReadTokens,
    });
    return diagnosis;
  }

  return { name: 'claude', diagnose };
}

function usageOf(message: Anthropic.Message): DiagnosisUsage {
  const usage = message.usage;
  return {
    inputTokens: usage?.input_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    ...(usage?.cache_read_input_tokens ? { cacheReadTokens: usage.cache_read_input_tokens } : {}),
    ...(usage?.cache_creation_input_tokens ? { cacheCreationTokens: usage.cache_creation_input_tokens } : {}),
  };
}

function hash(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}
