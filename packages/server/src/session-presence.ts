import { DistSpaceError, type Selection } from '@dist-space/ot-core';
import type { MessageOf, PlainMap } from '@dist-space/protocol';
import type { Workspace } from '@dist-space/vfs-workspace';
import type { OpenWorkspace } from './open-workspace.js';
import { mapSelectionsThrough } from './presence.js';
import type { Session, SessionContext } from './session.js';

interface PendingPresence {
  files: Record<string, { selections: Selection[] }>;
  state?: PlainMap;
}

/**
 * One session's presence in the workspaces it follows: its Presence messages checked, mapped to
 * the current revision, coalesced to the presence rate and relayed to the other members, and
 * the others' cursors sent to it when it joins.
 */
export class SessionPresence {
  private readonly presenceDue = new Map<string, PendingPresence>();
  private presenceTimer: ReturnType<typeof setTimeout> | undefined;
  private lastPresenceAt = 0;

  /**
   * @param joined the workspaces the session follows, by id (owned by its SessionWorkspaces)
   */
  constructor(
    private readonly session: Session,
    private readonly ctx: SessionContext,
    private readonly joined: ReadonlyMap<string, OpenWorkspace>,
  ) {}

  /** Drops the presence queued for `workspace`: the session no longer follows it. */
  forget(workspace: string): void {
    this.presenceDue.delete(workspace);
  }

  /** The session is gone: relay nothing more. */
  stop(): void {
    if (this.presenceTimer) clearTimeout(this.presenceTimer);
  }

  /**
   * Others' cursors, so that a newcomer sees them at once. Sent after the state (Snapshot or
   * Changes), at its revision: a client that rebases onto a Snapshot forgets the cursors it had,
   * and one that catches up with Changes reaches the Presence's revision only with them.
   */
  sendOthers(ws: OpenWorkspace): void {
    for (const record of ws.presence.values()) {
      if (record.sessionId === this.session.sessionId) continue;
      const files = this.readableFiles(ws.sequencer.state, record.files);
      this.session.send({
        type: 'Presence',
        workspace: ws.id,
        revision: ws.revision,
        files,
        sessionId: record.sessionId,
        subject: record.subject,
        clientId: record.clientId,
        ...(record.state ? { state: record.state as PlainMap } : {}),
      });
    }
  }

  /**
   * Takes a session's Presence: keeps the cursors in files it may read, maps them to the
   * workspace's revision, checks them against the files' lengths and queues them for relay.
   */
  receive(message: MessageOf<'Presence'>): void {
    const ws = this.joined.get(message.workspace);
    if (!ws) {
      this.session.sendError(
        new DistSpaceError(
          'NOT_OPEN',
          `Open workspace '${message.workspace}' before sending presence.`,
        ),
        undefined,
        message.workspace,
      );
      return;
    }
    const state = ws.sequencer.state;
    const files: Record<string, { selections: Selection[] }> = {};
    for (const [fileId, file] of Object.entries(message.files)) {
      const node = state.node(fileId);
      const path = node?.kind === 'file' ? state.pathOf(fileId) : undefined;
      // Deleted since, never a file, or one the session may not read: nothing to show, and
      // the same silence for all three, so that presence tells nothing of hidden files.
      if (path === undefined || !this.session.capabilities!.allows('read', path)) continue;
      files[fileId] = {
        selections: file.selections.map((s) => ({ anchor: s.anchor, head: s.head })),
      };
    }
    let mapped = files;
    if (message.revision !== ws.revision) {
      const missed = ws.sequencer.recentSince(message.revision);
      if (missed === undefined || message.revision > ws.revision) return; // too old to map: drop
      mapped = mapSelectionsThrough(
        files,
        missed.map((c) => c.change),
        (id) => state.node(id)?.kind === 'file',
      );
    }
    for (const [fileId, file] of Object.entries(mapped)) {
      const length = state.text(fileId)?.length ?? 0;
      if (file.selections.some((s) => s.anchor > length || s.head > length)) {
        this.session.sendError(
          new DistSpaceError(
            'INVALID_PAYLOAD',
            `A selection in file ${fileId} lies past its end (${length}).`,
            {
              fileId,
            },
          ),
          undefined,
          message.workspace,
        );
        return;
      }
    }
    this.presenceDue.set(ws.id, {
      files: mapped,
      ...(message.state ? { state: message.state } : {}),
    });
    this.schedulePresence();
  }

  /** Relays due presence at most `presencePerSecond` times a second, the newest winning. */
  private schedulePresence(): void {
    if (this.presenceTimer) return;
    const interval = 1000 / this.ctx.limits.presencePerSecond;
    const wait = Math.max(0, this.lastPresenceAt + interval - Date.now());
    this.presenceTimer = setTimeout(() => {
      this.presenceTimer = undefined;
      this.lastPresenceAt = Date.now();
      this.flushPresence();
    }, wait);
    this.presenceTimer.unref?.();
  }

  private flushPresence(): void {
    for (const [workspace, due] of this.presenceDue) {
      const ws = this.joined.get(workspace);
      if (!ws) continue;
      ws.presence.set({
        sessionId: this.session.sessionId,
        subject: this.session.subject,
        clientId: this.session.clientId,
        files: due.files,
        ...(due.state ? { state: due.state } : {}),
      });
      const state = ws.sequencer.state;
      for (const member of ws.members.values()) {
        if (member === this.session) continue;
        member.send({
          type: 'Presence',
          workspace,
          revision: ws.revision,
          files: member.visibility
            ? filterFiles(state, due.files, member.visibility.file)
            : due.files,
          sessionId: this.session.sessionId,
          subject: this.session.subject,
          clientId: this.session.clientId,
          ...(due.state ? { state: due.state } : {}),
        });
      }
    }
    this.presenceDue.clear();
  }

  private readableFiles(state: Workspace, files: Record<string, { selections: Selection[] }>) {
    const visibility = this.session.visibility;
    return visibility ? filterFiles(state, files, visibility.file) : files;
  }
}

function filterFiles(
  state: Workspace,
  files: Record<string, { selections: Selection[] }>,
  canRead: (path: string) => boolean,
): Record<string, { selections: Selection[] }> {
  const out: Record<string, { selections: Selection[] }> = {};
  for (const [id, file] of Object.entries(files)) {
    const path = state.pathOf(id);
    if (path !== undefined && canRead(path)) out[id] = file;
  }
  return out;
}
