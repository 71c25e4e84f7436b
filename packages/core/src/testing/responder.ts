/**
 * How a fake answers: one value for every call, a list (one item per call; the last repeats),
 * or a function of the call's argument. Errors in a list or returned by a function are thrown.
 */
export type Responder<TArgs, TResult> =
  | TResult
  | readonly TResult[]
  | ((args: TArgs) => TResult | Promise<TResult>);

/**
 * Thrown by a fake whose method was called with no answer configured, naming the method and how
 * to configure it: a test never gets a made-up answer by accident.
 *
 * @example
 * ```ts
 * import { FakeContainerRuntime, FakeNotConfiguredError } from '@website-monitor/core/testing';
 *
 * const runtime = new FakeContainerRuntime({ clock });
 * await expect(runtime.exec({ id, argv: ['true'], timeoutMs: 1_000 })).rejects.toThrow(FakeNotConfiguredError);
 * ```
 */
export class FakeNotConfiguredError extends Error {
  constructor(fake: string, method: string, hint: string) {
    super(`${fake}.${method} was called but has no configured answer: ${hint}`);
    this.name = 'FakeNotConfiguredError';
  }
}

export async function answer<TArgs, TResult>(
  responder: Responder<TArgs, TResult>,
  args: TArgs,
  callIndex: number,
): Promise<TResult> {
  let value: unknown;
  if (typeof responder === 'function') {
    value = await (responder as (args: TArgs) => TResult | Promise<TResult>)(args);
  } else if (Array.isArray(responder)) {
    if (responder.length === 0) throw new Error('a responder list must not be empty');
    value = responder[Math.min(callIndex, responder.length - 1)];
  } else {
    value = responder;
  }
  if (value instanceof Error) throw value;
  return value as TResult;
}
