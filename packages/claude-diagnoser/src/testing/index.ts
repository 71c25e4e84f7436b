/** Test helpers: a local Anthropic Messages API for exercising the diagnoser without a key. */
export type {
  FakeAnthropicReply,
  FakeAnthropicRequest,
  FakeAnthropicScript,
  FakeAnthropicServer,
  FakeReplyTiming,
  FakeUsage,
  RecordedJsonSchema,
  RecordedMessagesBody,
} from './fake-anthropic-server.js';
export { startFakeAnthropicServer, systemText, userMessageText } from './fake-anthropic-server.js';
export { validDiagnosisReply } from './valid-diagnosis-reply.js';
