import { DistSpaceError } from '@dist-space/ot-core';
import type { MessageOf } from '@dist-space/protocol';
import type { LogRing } from './log.js';
import type { Session } from './session.js';
import type { WorkspaceHost } from './workspace-host.js';

type AdminMessage = MessageOf<'ListSessions' | 'Kick' | 'Stats' | 'TailLog'>;

/** Most log records one TailLog returns. */
const MAX_TAIL = 1_000;

/**
 * The admin messages: list sessions, kick one, server and workspace stats, tail the log. Each
 * needs the `admin` scope; a session without it gets `PERMISSION_DENIED` and nothing else.
 */
export class AdminApi {
  private readonly startedAt = Date.now();

  constructor(
    private readonly sessions: Map<string, Session>,
    private readonly host: WorkspaceHost,
    private readonly ring: LogRing,
  ) {}

  /**
   * Handles one admin message from `session`; resolves once it is answered (Stats reads the
   * store), so that the session's message chain reports a failure as INTERNAL_ERROR.
   */
  async handle(session: Session, message: AdminMessage): Promise<void> {
    const allowed = session.capabilities!.checkAdmin(message.type);
    if (!allowed.ok) {
      session.sendError(allowed.error, message.requestId);
      return;
    }
    switch (message.type) {
      case 'ListSessions':
        session.send({
          type: 'Sessions',
          requestId: message.requestId,
          sessions: this.listSessions(),
        });
        return;
      case 'Kick': {
        const target = this.sessions.get(message.sessionId);
        if (!target) {
          session.sendError(
            new DistSpaceError('NOT_FOUND', `No session '${message.sessionId}' is connected.`, {
              sessionId: message.sessionId,
            }),
            message.requestId,
          );
          return;
        }
        session.log.warn(
          { target: target.sessionId, subject: target.subject },
          'admin kicked a session',
        );
        target.close(
          new DistSpaceError(
            'KICKED',
            `An admin closed this session${message.reason ? `: ${message.reason}` : '.'}`,
          ),
        );
        session.send({ type: 'AdminOk', requestId: message.requestId });
        return;
      }
      case 'Stats':
        session.send({
          type: 'StatsResult',
          requestId: message.requestId,
          ...(await this.statsWithStore(message.workspace)),
        });
        return;
      case 'TailLog':
        session.send({
          type: 'LogRecords',
          requestId: message.requestId,
          records: this.ring.tail(Math.min(message.limit, MAX_TAIL)) as never,
        });
        return;
    }
  }

  /** Every live session with its address, user, workspaces and idle time. */
  listSessions() {
    const now = Date.now();
    return [...this.sessions.values()]
      .filter((s) => s.ready)
      .map((s) => ({
        sessionId: s.sessionId,
        clientId: s.clientId,
        subject: s.subject,
        remoteAddress: s.connection.remoteAddress,
        workspaces: s.workspaces.ids,
        idleMs: now - s.lastActivity,
        connectedAt: s.connectedAt,
      }));
  }

  /**
   * {@link AdminApi.stats} with each workspace's `storeBytes` when the store can tell (it reads
   * the store, so it is asynchronous).
   */
  async statsWithStore(workspace?: string) {
    const stats = this.stats(workspace);
    const sizes = await Promise.all(
      stats.workspaces.map((w) => this.host.storedBytes(w.workspace)),
    );
    return {
      ...stats,
      workspaces: stats.workspaces.map((w, i) => {
        const storeBytes = sizes[i];
        return storeBytes === undefined ? w : { ...w, storeBytes };
      }),
    };
  }

  /**
   * Server-wide figures, and per open workspace (one, when `workspace` is given), without the
   * store sizes (see {@link AdminApi.statsWithStore}).
   */
  stats(workspace?: string) {
    const open = this.host.list().filter((w) => workspace === undefined || w.id === workspace);
    const memory = process.memoryUsage();
    let ops = 0;
    const workspaces = open.map((w) => {
      const rate = w.commits.perSecond();
      ops += rate;
      return {
        workspace: w.id,
        revision: w.revision,
        sessions: w.members.size,
        opsPerSecond: rate,
      };
    });
    return {
      server: {
        uptimeMs: Date.now() - this.startedAt,
        sessions: this.sessions.size,
        workspacesOpen: this.host.list().length,
        memory: { rss: memory.rss, heapUsed: memory.heapUsed },
        opsPerSecond: ops,
      },
      workspaces,
    };
  }
}
