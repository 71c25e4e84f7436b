/** The machine is not ready for integration tests (no engine, no test image): one readable line. */
export class TestEnvironmentError extends Error {
  override readonly name = 'TestEnvironmentError';
}
