/**
 * Fakes for every port, for unit tests and for embedding the agent in a test harness, and
 * `startAgentUnderTest` to run the agent in a test against the fakes or a real engine.
 * No test framework is imported here.
 */
export type {
  AgentEventName,
  AgentEventPayload,
  RecordedAgentEvent,
  WaitForAgentEventOptions,
} from './agent-event-log.js';
export type { AgentUnderTest, AgentUnderTestOptions } from './agent-under-test.js';
export { startAgentUnderTest } from './agent-under-test.js';
export type { AgentUnderTestScope } from './agent-under-test-config.js';
export type { EngineLeaseContractOptions } from './engine-lease-contract.js';
export { contractLeaseHolder, engineLeaseContract } from './engine-lease-contract.js';
export { FakeClock, flushMicrotasks } from './fake-clock.js';
export type {
  FakeContainerInit,
  FakeExecArgs,
  FakeExecResult,
  FakeFollowLogsArgs,
  FakeRuntimeCall,
  FakeRuntimeMethod,
} from './fake-container-runtime.js';
export { FakeContainerRuntime } from './fake-container-runtime.js';
export type { FakeHttpAnswer } from './fake-http-prober.js';
export { FakeHttpProber } from './fake-http-prober.js';
export type { FakeServiceInit, FakeSwarmCall, FakeSwarmMethod } from './fake-swarm-services.js';
export { FakeSwarmServices } from './fake-swarm-services.js';
export type { LogEntry } from './memory-logger.js';
export { MemoryLogger } from './memory-logger.js';
export { MemoryStore } from './memory-store.js';
export { RecordingNotifier } from './recording-notifier.js';
export type { Responder } from './responder.js';
export { FakeNotConfiguredError } from './responder.js';
export { ScriptedDiagnoser } from './scripted-diagnoser.js';
export type { StoreContractAssertion, StoreContractOptions, StoreContractTestApi } from './store-contract.js';
export {
  contractApproval,
  contractBaseline,
  contractHealingAction,
  contractHealthSample,
  contractIncident,
  storeContract,
} from './store-contract.js';
