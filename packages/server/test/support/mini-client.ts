import {
  applyWorkspaceChange,
  transformWorkspaceX,
  type Workspace,
  type WorkspaceChange,
  type WorkspaceOp,
  workspaceToWire,
} from '@dist-space/vfs-workspace';
import type { TestClient } from './harness.js';

/**
 * The smallest correct client for tests (ot.js's three states): local changes apply at once;
 * one change is in flight, later ones wait in a buffer; remote changes are transformed against
 * both, with the server's tie-break (its changes were sequenced before ours).
 */
export class MiniClient {
  state: Workspace;
  revision: number;
  private inflight: { seq: number; change: WorkspaceChange } | undefined;
  private buffer: WorkspaceOp[] = [];
  acked = 0;

  constructor(
    readonly client: TestClient,
    readonly workspace: string,
    snapshot: { state: Workspace; revision: number },
  ) {
    this.state = snapshot.state;
    this.revision = snapshot.revision;
  }

  get idle(): boolean {
    return this.inflight === undefined && this.buffer.length === 0;
  }

  /** Applies a change made on the current local state, and sends it or buffers it. */
  local(change: WorkspaceChange): void {
    this.state = mustApply(this.state, change);
    if (this.inflight) this.buffer.push(...change);
    else this.send(change);
  }

  /** Handles every message that has arrived. */
  pump(): void {
    for (const m of this.client.drain(['Ack', 'Broadcast', 'Reject'])) {
      if (m.type === 'Reject') throw new Error(`rejected: ${m.error.code} ${m.error.message}`);
      if (m.type === 'Ack') {
        if (m.seq !== this.inflight?.seq)
          throw new Error(`ack for ${m.seq}, in flight ${this.inflight?.seq}`);
        this.revision = m.revision;
        this.inflight = undefined;
        this.acked++;
        if (this.buffer.length > 0) {
          const next = this.buffer;
          this.buffer = [];
          this.send(next);
        }
        continue;
      }
      if (m.revision !== this.revision + 1)
        throw new Error(`broadcast ${m.revision} after ${this.revision}`);
      let remote: WorkspaceChange = m.change;
      if (this.inflight) {
        const x = transformWorkspaceX(this.inflight.change, remote, 'right');
        this.inflight = { seq: this.inflight.seq, change: x.a.change };
        remote = x.b.change;
      }
      if (this.buffer.length > 0) {
        const x = transformWorkspaceX(this.buffer, remote, 'right');
        this.buffer = x.a.change;
        remote = x.b.change;
      }
      this.state = mustApply(this.state, remote);
      this.revision = m.revision;
    }
  }

  private send(change: WorkspaceChange): void {
    const seq = this.client.nextSeq();
    this.inflight = { seq, change };
    this.client.send({
      type: 'Submit',
      workspace: this.workspace,
      baseRevision: this.revision,
      clientId: this.client.clientId,
      seq,
      change,
    });
  }
}

export function mustApply(ws: Workspace, change: WorkspaceChange): Workspace {
  const r = applyWorkspaceChange(ws, change);
  if (!r.ok) throw r.error;
  return r.value;
}

/** A comparable form of a workspace. */
export function canonical(ws: Workspace): string {
  return JSON.stringify(workspaceToWire(ws));
}
