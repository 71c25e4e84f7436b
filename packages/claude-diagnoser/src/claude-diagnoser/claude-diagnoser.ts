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
import { CallSlots } from '../cost/call-slots.js';
import { failureSignature } from '../cost/failure-signature.js';
import { SharedCalls } from '../cost/shared-calls.js';
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

/** The model, how to reach it, and the limits that bound cost and time. Only `model` is required. */
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
  /**
   * API calls in flight at once; the others wait in order (within their deadline and signal).
   * Identical failures asked about at the same time share one call whatever this is. Default 2.
   */
  readonly maxConcurrentCalls?: number;
  /** How long an answer is reused for the same failure signature. Default 10 min; 0 turns it off. */
  readonly cacheTtlMs?: number;
  /** Default 1024. */
  readonly maxTokens?: number;
  /**
   * Actions the model may name, besides `manual`. Default: the built-in actions except
   * `custom_script` and `diagnose_with_claude`, which a model can never choose.
   */
  readonly actions?: readonly string[];
  /** How much container text goes into the prompt; `defaultPromptLimits` otherwise. */
  readonly promptLimits?: Partial<PromptLimits>;
  /** Drives cooldown, budget and cache time. The HTTP timeouts are real time. */
  readonly clock?: Clock;
  /** Logs each call, its cost and each refusal; silent by default. */
  readonly logger?: Logger;
}

/** A model's answer, and the container it was asked about (named when another caller shares it). */
interface SharedAnswer {
  readonly diagnosis: Diagnosis;
  readonly askedAbout: string;
}

const neverByModel = new Set(['custom_script', 'diagnose_with_claude', 'manual']);

/** The actions a model may recommend by default: every built-in one it is allowed to choose. */
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
 *
 * Cost stays bounded when many incidents ask at once: answers are cached by failure signature,
 * identical questions in flight share one call, at most `maxConcurrentCalls` calls run at once,
 * and the cooldown and hourly budget refuse at once (before any wait), so the rules take over
 * without delay.
 *
 * @example
 * ```ts
 * import { createClaudeDiagnoser } from '@website-monitor/claude-diagnoser';
 * import { WebsiteMonitorAgent } from '@website-monitor/core';
 *
 * const diagnoser = createClaudeDiagnoser({ model: config.claude.model }); // key: ANTHROPIC_API_KEY
 * const agent = new WebsiteMonitorAgent({ config, runtime, diagnoser });
 * ```
 */
export function createClaudeDiagnoser(options: ClaudeDiagnoserOptions): Diagnoser {
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxRetries = options.maxRetries ?? 2;
  const deadlineMs = options.deadlineMs ?? 45_000;
  // Less time than this left at the deadline, a queued call is not sent: no answer could come back.
  const minCallMs = Math.min(1_000, deadlineMs / 10);
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
  const maxConcurrentCalls = Math.max(1, Math.floor(options.maxConcurrentCalls ?? 2));
  const slots = new CallSlots(maxConcurrentCalls);
  const calls = new SharedCalls<SharedAnswer>();
  const system = systemPrompt(actions);
  const tool = diagnosisTool(actions);
  let client = options.client;
  let sdk: Promise<typeof import('@anthropic-ai/sdk')> | undefined;

  const requireKey = (): void => {
    if (!client && !(options.apiKey ?? process.env.ANTHROPIC_API_KEY)) {
      throw new ClaudeDiagnoserError('no_api_key', 'no_api_key: set ANTHROPIC_API_KEY or pass apiKey');
    }
  };

  // The SDK (~5 MB of heap, plus fetch) is loaded only when a call can use it: an agent with
  // Claude enabled but no key, the default, never pays for it. With a key it is loaded now, at
  // start: loading it takes 100-250 ms of the event loop (compiling and linking its modules),
  // which at the first diagnosis stalled the agent past its 200 ms bound (issue 10).
  if (!client && (options.apiKey ?? process.env.ANTHROPIC_API_KEY)) {
    sdk = import('@anthropic-ai/sdk');
    sdk.catch(() => {}); // a failure to load is reported by the first call that needs it
  }
  const clientOrFail = async (): Promise<{ api: MessagesClient; errors: SdkErrorClasses }> => {
    requireKey();
    const apiKey = options.apiKey ?? process.env.ANTHROPIC_API_KEY;
    sdk ??= import('@anthropic-ai/sdk');
    const loaded = await sdk;
    client ??= new loaded.default({ apiKey, baseURL: options.baseURL, timeout: timeoutMs, maxRetries });
    return { api: client, errors: loaded };
  };

  const abortedError = () => new ClaudeDiagnoserError('aborted', 'aborted: the caller stopped waiting');

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

    // The same failure is being asked about right now (a storm, replicas of one image): wait for
    // that answer instead of paying for another call. No cooldown or budget applies to sharing.
    const shared = calls.join(cacheKey, signal, abortedError);
    if (shared) {
      const answer = await shared;
      logger.log('info', 'claude_diagnosis_shared', {
        container,
        incident_id: context.incident.id,
        asked_about: answer.askedAbout,
      });
      const { usage: _spentByTheAsker, ...diagnosis } = answer.diagnosis;
      return {
        ...diagnosis,
        reasoning: `${diagnosis.reasoning} (shared answer: asked once about ${answer.askedAbout} for the same failure signature)`,
      };
    }

    // Refusals come before any wait, so the agent goes on with the rules at once.
    requireKey();
    if (signal?.aborted) throw abortedError();
    const refusal = limiter.refusal(container, clock.now());
    if (refusal) throw new ClaudeDiagnoserError(refusal.kind, refusal.message);
    const reservation = limiter.recordCall(container, clock.now());
    const answer = await calls.lead(cacheKey, signal, abortedError, (abandoned) =>
      ask({ context, cacheKey, reservation, abandoned }),
    );
    return answer.diagnosis;
  }

  /** One API call, shared by every caller with the same failure signature. */
  async function ask({
    context,
    cacheKey,
    reservation,
    abandoned,
  }: {
    readonly context: DiagnosisContext;
    readonly cacheKey: string;
    readonly reservation: { cancel(): void };
    readonly abandoned: AbortSignal;
  }): Promise<SharedAnswer> {
    const container = context.incident.containerName;
    const logFailure = (failure: ClaudeDiagnoserError, extra: Record<string, unknown> = {}) => {
      logger.log('warn', 'claude_diagnosis_failed', {
        container,
        incident_id: context.incident.id,
        reason: failure.message,
        request_id: failure.requestId,
        duration_ms: Date.now() - startedAt,
        ...extra,
      });
    };
    // The deadline counts from the first request, so time spent queued for a slot is part of it.
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), deadlineMs);
    const callSignal = AbortSignal.any([abandoned, deadline.signal]);
    const startedAt = Date.now();
    const queued = slots.active >= maxConcurrentCalls;
    const outOfTime = () => {
      const failure = abandoned.aborted
        ? abortedError()
        : new ClaudeDiagnoserError(
            'deadline',
            `deadline exceeded after ${deadlineMs}ms${queued ? ` (queued behind ${maxConcurrentCalls} calls in flight)` : ''}`,
          );
      if (failure.kind === 'deadline') logFailure(failure);
      return failure;
    };
    let release: () => void;
    try {
      release = await slots.acquire(callSignal);
    } catch {
      clearTimeout(timer);
      reservation.cancel();
      throw outOfTime();
    }

    let message: Anthropic.Message;
    try {
      // A 429 seen while this call was queued pauses it too.
      const paused = limiter.pauseRefusal(clock.now());
      if (paused) {
        reservation.cancel();
        throw new ClaudeDiagnoserError(paused.kind, paused.message);
      }
      const { api, errors } = await clientOrFail();
      // A slot freed as the deadline is about to pass is not worth a request that cannot finish.
      if (callSignal.aborted || startedAt + deadlineMs - Date.now() < minCallMs) {
        reservation.cancel();
        throw outOfTime();
      }
      const body: Anthropic.MessageCreateParamsNonStreaming = {
        model: options.model,
        max_tokens: maxTokens,
        system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
        tools: [tool],
        tool_choice: { type: 'tool', name: diagnosisToolName, disable_parallel_tool_use: true },
        messages: [{ role: 'user', content: userPrompt(redactContext(context), limits) }],
      };
      try {
        message = await api.messages.create(body, { signal: callSignal, timeout: timeoutMs, maxRetries });
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
        if (failure.kind !== 'aborted') logFailure(failure);
        throw failure;
      }
    } finally {
      release();
      clearTimeout(timer);
    }

    const usage = usageOf(message);
    const requestId = (message as { _request_id?: string | null })._request_id ?? undefined;
    const answer = readDiagnosisAnswer(message, actions);
    if (!answer.ok) {
      const failure = new ClaudeDiagnoserError('invalid_answer', `invalid_answer: ${answer.reason}`, {
        requestId,
      });
      logFailure(failure, { input_tokens: usage.inputTokens, output_tokens: usage.outputTokens });
      throw failure;
    }
    const diagnosis: Diagnosis = { ...answer.diagnosis, source: 'model', usage };
    cache.set(cacheKey, diagnosis, clock.now());
    logger.log('info', 'claude_diagnosis', {
      container,
      incident_id: context.incident.id,
      model: options.model,
      cause: diagnosis.cause,
      recommended_action: diagnosis.recommendedAction,
      confidence: diagnosis.confidence,
      request_id: requestId,
      duration_ms: Date.now() - startedAt,
      input_tokens: usage.inputTokens,
      output_tokens: usage.outputTokens,
      cache_read_tokens: usage.cacheReadTokens,
    });
    return { diagnosis, askedAbout: container };
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
