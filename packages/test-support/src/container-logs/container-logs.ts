/** A container's output, split by stream. */
export interface ContainerLogs {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Splits Docker's multiplexed log/attach format (no TTY): frames of an 8-byte header
 * [stream, 0, 0, 0, size as uint32 big-endian] followed by `size` bytes.
 */
export function demuxDockerStream(buffer: Buffer): ContainerLogs {
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let offset = 0;
  while (offset + 8 <= buffer.length) {
    const stream = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + size);
    if (stream === 2) stderr.push(payload);
    else stdout.push(payload);
    offset += 8 + size;
  }
  return { stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') };
}
