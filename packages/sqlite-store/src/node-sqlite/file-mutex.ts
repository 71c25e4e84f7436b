/**
 * One async lock per database file for this process. node:sqlite is synchronous: a second
 * connection to the same file that meets a held write lock blocks the whole event loop in its
 * busy handler, so the first connection could never finish. Taking this lock first means
 * connections in one process queue asynchronously, and SQLite's own locking (with the busy
 * timeout) only has to arbitrate between processes.
 */
export class FileMutex {
  static readonly #byFile = new Map<string, FileMutex>();
  #tail: Promise<void> = Promise.resolve();

  static forFile(file: string): FileMutex {
    let mutex = FileMutex.#byFile.get(file);
    if (mutex === undefined) {
      mutex = new FileMutex();
      FileMutex.#byFile.set(file, mutex);
    }
    return mutex;
  }

  /** Resolves with the function that releases the lock, once every earlier holder released it. */
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const previous = this.#tail;
    this.#tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    return release;
  }
}
