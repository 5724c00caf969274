import type { PendingStore, PersistedWorkspace } from './storage.js';

/** How long a change may wait before its workspace state is saved, by default (ms). */
export const DEFAULT_SAVE_DELAY_MS = 100;

/**
 * Writes one workspace's client state to its {@link PendingStore}, at most once per `delayMs`.
 * Saving serialises the whole state (the confirmed workspace and every pending change), so a
 * save per keystroke would cost time in proportion to the workspace on every keystroke; instead
 * the first change after a save schedules the next one `delayMs` later, and the changes made
 * meanwhile go out with it. So an edit is in the store at most `delayMs` after it was made (plus
 * the time the write before it takes), and a crash can lose the edits of that last window;
 * {@link PendingSaver.flush} (on closing) saves at once. Writes never overlap, and each takes
 * the state as it is when the write starts.
 */
export class PendingSaver {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();

  /** The error of the newest write, until a later write succeeds. */
  private failure: unknown;

  /**
   * @param state - the state to save, read when a write starts
   * @param delayMs - the longest a change waits to be saved (0: on the next turn of the event loop)
   * @param onError - told of every failed write (the store is full, unwritable, ...); the next
   *   change tries again
   */
  constructor(
    private readonly store: PendingStore,
    private readonly key: string,
    private readonly state: () => PersistedWorkspace,
    private readonly delayMs: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Something to save changed: schedules a save unless one is scheduled already. */
  changed(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, this.delayMs);
  }

  /**
   * Saves what a scheduled save would, now; resolves once every save so far is written, and
   * rejects with the error if the newest write failed.
   */
  async flush(): Promise<void> {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.write();
    }
    await this.writing;
    if (this.failure !== undefined) throw this.failure;
  }

  private write(): void {
    // `writing` never rejects: a failed write must neither stop the next ones nor surface as an
    // unhandled rejection (which ends a Node process); it goes to `onError`, and to `flush`.
    this.writing = this.writing
      .then(() => this.store.save(this.key, this.state()))
      .then(
        () => {
          this.failure = undefined;
        },
        (error: unknown) => {
          this.failure = error;
          this.onError(error);
        },
      );
  }
}
