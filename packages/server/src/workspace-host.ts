import { DistSpaceError, err, ok, type Result } from '@dist-space/ot-core';
import type { Logger } from 'pino';
import type { ServerLimits } from './limits.js';
import { OpenWorkspace } from './open-workspace.js';
import type { SequencerLog } from './sequencer-log.js';

/** How the host reaches storage: whether a workspace exists, making one, and opening its log. */
export interface WorkspaceStorage {
  exists(workspace: string): Promise<boolean>;
  create(workspace: string): Promise<void>;
  openLog(workspace: string): Promise<SequencerLog>;
  /** The bytes the workspace takes in the store, for admin stats; absent when it cannot tell. */
  storedBytes?(workspace: string): Promise<number>;
}

/**
 * The workspaces a server holds open: opened on first use (one open at a time per workspace,
 * however many sessions ask at once), closed and flushed after `workspaceIdleMs` without a
 * session, at most `maxWorkspacesOpen` at once.
 */
export class WorkspaceHost {
  private readonly open = new Map<string, OpenWorkspace>();
  private readonly opening = new Map<string, Promise<Result<OpenWorkspace>>>();
  private readonly closing = new Map<string, Promise<void>>();
  private readonly idleTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private shuttingDown = false;

  constructor(
    private readonly storage: WorkspaceStorage,
    private readonly limits: ServerLimits,
    private readonly logger: Logger,
  ) {}

  /** The open workspaces. */
  list(): OpenWorkspace[] {
    return [...this.open.values()];
  }

  /** The open workspace with this id, if it is open. */
  get(id: string): OpenWorkspace | undefined {
    return this.open.get(id);
  }

  /**
   * The open workspace `id`, opening it (and creating it empty when `create`) if needed.
   *
   * @returns it, or `NOT_FOUND`, `TOO_MANY_WORKSPACES`, `SHUTTING_DOWN` or `STORE_FAILED`
   */
  async acquire(id: string, create: boolean): Promise<Result<OpenWorkspace>> {
    if (this.shuttingDown)
      return err(new DistSpaceError('SHUTTING_DOWN', 'The server is shutting down.'));
    const current = this.open.get(id);
    if (current) {
      this.cancelIdle(id);
      return ok(current);
    }
    const pending = this.opening.get(id);
    if (pending) return pending;
    const opened = this.load(id, create);
    this.opening.set(id, opened);
    try {
      return await opened;
    } finally {
      this.opening.delete(id);
    }
  }

  /** The bytes workspace `id` takes in the store, or undefined when the store cannot tell. */
  async storedBytes(id: string): Promise<number | undefined> {
    if (!this.storage.storedBytes) return undefined;
    try {
      return await this.storage.storedBytes(id);
    } catch (e) {
      this.logger.warn({ workspace: id, err: (e as Error).message }, 'store size unknown');
      return undefined;
    }
  }

  /** Closes every workspace, waiting for their commits. */
  async closeAll(): Promise<void> {
    this.shuttingDown = true;
    for (const timer of this.idleTimers.values()) clearTimeout(timer);
    this.idleTimers.clear();
    await Promise.allSettled([...this.opening.values()]);
    await Promise.all([...this.open.keys()].map((id) => this.close(id)));
    await Promise.all(this.closing.values());
  }

  private async load(id: string, create: boolean): Promise<Result<OpenWorkspace>> {
    // A workspace still closing must finish before it opens again, or two logs would race.
    await this.closing.get(id);
    if (this.open.size >= this.limits.maxWorkspacesOpen) {
      return err(
        new DistSpaceError(
          'TOO_MANY_WORKSPACES',
          `The server holds ${this.open.size} workspaces open, its limit; try again later.`,
          { limit: this.limits.maxWorkspacesOpen },
        ),
      );
    }
    try {
      if (!(await this.storage.exists(id))) {
        if (!create) {
          return err(
            new DistSpaceError(
              'NOT_FOUND',
              `Workspace '${id}' does not exist; open it with create to make it.`,
              {
                workspace: id,
              },
            ),
          );
        }
        await this.storage.create(id).catch((e: unknown) => {
          // Another session may have created it in the meantime; that is fine.
          if (!(e instanceof DistSpaceError && e.code === 'WORKSPACE_EXISTS')) throw e;
        });
      }
      const log = await this.storage.openLog(id);
      const ws = new OpenWorkspace(id, log, this.limits, {
        onIdle: (w) => this.scheduleIdle(w),
        onFailure: (w, error) => {
          this.logger.error(
            { workspace: w.id, code: error.code, err: error.message },
            'workspace store failed',
          );
          w.evict(error);
          void this.close(w.id);
        },
      });
      this.open.set(id, ws);
      this.logger.info({ workspace: id, revision: ws.revision }, 'workspace opened');
      return ok(ws);
    } catch (e) {
      const error =
        e instanceof DistSpaceError
          ? e
          : new DistSpaceError(
              'STORE_FAILED',
              `Workspace '${id}' could not be opened: ${(e as Error).message}`,
            );
      this.logger.error(
        { workspace: id, code: error.code, err: error.message },
        'workspace failed to open',
      );
      return err(error);
    }
  }

  private scheduleIdle(ws: OpenWorkspace): void {
    if (this.shuttingDown) return;
    this.cancelIdle(ws.id);
    const timer = setTimeout(() => {
      this.idleTimers.delete(ws.id);
      if (ws.members.size === 0) void this.close(ws.id);
    }, this.limits.workspaceIdleMs);
    timer.unref?.();
    this.idleTimers.set(ws.id, timer);
  }

  private cancelIdle(id: string): void {
    const timer = this.idleTimers.get(id);
    if (timer) clearTimeout(timer);
    this.idleTimers.delete(id);
  }

  private close(id: string): Promise<void> {
    const ws = this.open.get(id);
    if (!ws) return this.closing.get(id) ?? Promise.resolve();
    this.open.delete(id);
    this.cancelIdle(id);
    const closing = ws.sequencer
      .close()
      .catch((e: unknown) => {
        this.logger.error(
          { workspace: id, err: (e as Error).message },
          'workspace failed to close',
        );
      })
      .then(() => {
        this.closing.delete(id);
        this.logger.info({ workspace: id }, 'workspace closed');
      });
    this.closing.set(id, closing);
    return closing;
  }
}
