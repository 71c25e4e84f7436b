import type Docker from 'dockerode';
import { StartupCheckStrategy, type StartupStatus } from 'testcontainers';

/**
 * Ready as soon as the engine has started the process, for apps that publish no HTTP port:
 * testcontainers' default would wait for listening ports, and `Wait.forOneShotStartup` for the
 * container's end. With `mustStillRun`, a container that is already gone again is a failed start
 * (as `startTestContainer`'s `waitFor: 'running'`); without, nothing is checked (`'none'`).
 */
export class StartedWaitStrategy extends StartupCheckStrategy {
  readonly #mustStillRun: boolean;

  constructor(options: { readonly mustStillRun: boolean }) {
    super();
    this.#mustStillRun = options.mustStillRun;
  }

  override async checkStartupState(docker: Docker, containerId: string): Promise<StartupStatus> {
    if (!this.#mustStillRun) return 'SUCCESS';
    const { State } = await docker.getContainer(containerId).inspect();
    return State.Running ? 'SUCCESS' : 'FAIL';
  }
}
