import type Docker from 'dockerode';

/** How a container stands, for an error: `running`, or `exited (exit code 137, OOM-killed)`. */
export function describeContainerState(state: Docker.ContainerInspectInfo['State']): string {
  if (state.Running) return state.Status;
  return `${state.Status} (exit code ${state.ExitCode}${state.OOMKilled ? ', OOM-killed' : ''})`;
}
