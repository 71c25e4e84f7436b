import { randomBytes } from 'node:crypto';
import {
  ensureTestImage,
  getTestDocker,
  TEST_IMAGE,
  TEST_LABEL,
  TEST_RUN_LABEL,
  testRunId,
} from '@website-monitor/test-support';
import type { SeededRandom } from './seeded-random.js';

/**
 * A container of the local test image whose busybox shell prints hostile output, waits for
 * `/tmp/crash`, prints more and exits with `exitCode`: a crash the agent must diagnose from that output.
 */
export interface HostileContainer extends AsyncDisposable {
  readonly id: string;
  readonly name: string;
  /** Makes it crash now (from inside, as the app itself would). */
  crash(): Promise<void>;
  running(): Promise<boolean>;
}

/**
 * Starts `sh -c` with `emit` (shell code that prints the hostile output) at start and again at
 * the crash. No network (the agent reads the container through the engine only), Docker's init,
 * the test labels (so `removeTestContainers` finds it) plus `labels`, optionally a TTY (no log
 * framing: the agent must not decode frames the container printed itself).
 */
export async function startHostileContainer(options: {
  readonly purpose: string;
  readonly emit: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly tty?: boolean;
  /**
   * Default 3. Each scenario takes its own, so no two crashes look alike to the diagnoser's
   * answer cache (same image, trigger, exit code and first error line): every hostile input then
   * reaches the prompt.
   */
  readonly exitCode?: number;
}): Promise<HostileContainer> {
  const docker = getTestDocker();
  await ensureTestImage(docker);
  const name = `wm-test-hostile-${options.purpose}-${randomBytes(3).toString('hex')}`;
  // The trigger file is removed before the exit, so the restarted run waits for the next crash.
  const script = `emit() {
${options.emit}
}
emit
while [ ! -f /tmp/crash ]; do sleep 0.2; done
rm -f /tmp/crash
emit
exit ${options.exitCode ?? 3}
`;
  const container = await docker.createContainer({
    name,
    Image: TEST_IMAGE,
    Entrypoint: ['sh', '-c'],
    Cmd: [script],
    Tty: options.tty === true,
    Labels: { ...options.labels, [TEST_LABEL]: '1', [TEST_RUN_LABEL]: testRunId },
    HostConfig: { Init: true, NetworkMode: 'none' },
  });
  const remove = async () => {
    await container.remove({ force: true, v: true }).catch(() => {});
  };
  try {
    await container.start();
  } catch (error) {
    await remove();
    throw error;
  }
  return {
    id: container.id,
    name,
    async crash() {
      const exec = await container.exec({
        Cmd: ['touch', '/tmp/crash'],
        AttachStdout: true,
        AttachStderr: true,
      });
      const stream = await exec.start({ hijack: true, stdin: false });
      stream.resume();
      await new Promise<void>((resolve, reject) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
    },
    async running() {
      return (await container.inspect()).State.Running === true;
    },
    [Symbol.asyncDispose]: remove,
  };
}

/**
 * Text built to be slow for a careless secret scanner (issue 10, item 3): long runs of base64,
 * `=` and quotes, keys that almost match (`passwor=`, `tokn:`), prefixes of real token families
 * with no token after them, an unterminated PEM block, `scheme://user:` with no `@`.
 */
export function adversarialText(random: SeededRandom, bytes: number): string {
  const pieces = [
    () => 'QUJD'.repeat(random.int(500, 4000)),
    () => '='.repeat(random.int(500, 4000)),
    () => '"'.repeat(random.int(200, 2000)),
    () => "'".repeat(random.int(200, 2000)),
    () => 'passwor='.repeat(random.int(50, 400)),
    () => 'tokn: "'.repeat(random.int(50, 400)),
    () => 'secret_ke '.repeat(random.int(50, 400)),
    () => 'Authorization: Bearer '.repeat(random.int(20, 200)),
    () => 'sk-ant-'.repeat(random.int(50, 400)),
    () => 'AKIA'.repeat(random.int(50, 400)),
    () => 'ghp_'.repeat(random.int(50, 400)),
    () => `${'eyJ'.repeat(random.int(100, 800))}.`,
    () => `-----BEGIN PRIVATE KEY-----\n${'A'.repeat(random.int(500, 4000))}`,
    () => 'postgres://user:'.repeat(random.int(50, 300)),
    () => 'a'.repeat(random.int(500, 4000)),
    () =>
      random.text(random.int(500, 4000), 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='),
    () => 'key=value '.repeat(random.int(50, 400)),
  ];
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const part = random.pick(pieces)();
    parts.push(part);
    length += part.length;
  }
  return parts.join('').slice(0, bytes);
}

/** An AWS key pair as a container might print it: the secret half must never reach the model (item 7). */
export const awsKeyId = 'AKIAIOSFODNN7EXAMPLE';
export const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** `printf` arguments are single-quoted: a quote inside is closed, escaped and reopened. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}
