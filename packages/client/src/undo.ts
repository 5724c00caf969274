import {
  invertWorkspaceChange,
  isWorkspaceChangeInvertible,
  transformWorkspaceChange,
  type WorkspaceChange,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';

/** How the undo history groups and bounds entries. */
export interface UndoOptions {
  /** Consecutive typing in one file within this many ms undoes as one step. Default 500. */
  readonly groupWithinMs?: number;
  /** Most steps kept; the oldest fall off. Default 200. */
  readonly maxSteps?: number;
}

interface Step {
  /**
   * The change that undoes the step, valid on the current state, with its ops in reverse order:
   * a typing group grows by a keystroke's inverse *in front*, and keeping the ops reversed makes
   * that an append (the group of a long typing burst would otherwise be copied per keystroke).
   */
  reversed: WorkspaceOp[];
  /** When the step was last extended, for grouping. */
  at: number;
  /** The file a typing step edits, or undefined for anything else (never grouped). */
  file: string | undefined;
}

function typingFile(change: WorkspaceChange): string | undefined {
  const only = change.length === 1 ? change[0] : undefined;
  if (only?.type !== 'edit' || only.change.length !== 1) return undefined;
  // A keystroke: one small insert or delete. Pastes and structural edits get their own step.
  const op = only.change[0]!;
  const size =
    op.type === 'insert'
      ? op.text.length
      : op.type === 'delete'
        ? op.len
        : Number.POSITIVE_INFINITY;
  return size <= 2 ? only.id : undefined;
}

function stepOf(change: WorkspaceOp[], at: number, file: string | undefined): Step {
  return { reversed: change.reverse(), at, file };
}

/** A step's change, its ops in the order they apply. */
function changeOf(step: Step): WorkspaceOp[] {
  return step.reversed.slice().reverse();
}

/**
 * Undo and redo of this client's own changes only (ot.js's UndoManager): each step holds the
 * inverse of a local change; remote changes transform every step, so undoing never removes
 * another user's concurrent text, and a step whose target another user deleted shrinks to what
 * is left. Consecutive keystrokes in one file group into one step.
 */
export class UndoHistory {
  private undoStack: Step[] = [];
  private redoStack: Step[] = [];
  private readonly groupWithinMs: number;
  private readonly maxSteps: number;

  constructor(options: UndoOptions = {}) {
    this.groupWithinMs = options.groupWithinMs ?? 500;
    this.maxSteps = options.maxSteps ?? 200;
  }

  /** True when there is something to undo. */
  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  /** True when there is something to redo. */
  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /**
   * Records a local change (with its deleted text, so it inverts). `kind` says whether it was a
   * new edit (clears redo), an undo (goes to redo) or a redo (back to undo).
   */
  record(change: WorkspaceChange, kind: 'edit' | 'undo' | 'redo', now: number = Date.now()): void {
    if (change.length === 0 || !isWorkspaceChangeInvertible(change)) return;
    const inverse = invertWorkspaceChange(change);
    const file = kind === 'edit' ? typingFile(change) : undefined;
    if (kind === 'undo') {
      this.redoStack.push(stepOf(inverse, now, undefined));
      return;
    }
    if (kind === 'edit') this.redoStack = [];
    const top = this.undoStack.at(-1);
    if (
      kind === 'edit' &&
      file !== undefined &&
      top?.file === file &&
      now - top.at <= this.groupWithinMs
    ) {
      // Undoing the group undoes the newest keystroke first.
      for (let i = inverse.length - 1; i >= 0; i--) top.reversed.push(inverse[i]!);
      top.at = now;
      return;
    }
    this.undoStack.push(stepOf(inverse, now, file));
    if (this.undoStack.length > this.maxSteps) this.undoStack.shift();
  }

  /** The change that undoes the newest step, removed from the stack, or undefined. */
  takeUndo(): WorkspaceOp[] | undefined {
    const step = this.undoStack.pop();
    return step && changeOf(step);
  }

  /** The change that redoes the newest undone step, removed from the stack, or undefined. */
  takeRedo(): WorkspaceOp[] | undefined {
    const step = this.redoStack.pop();
    return step && changeOf(step);
  }

  /** Moves every step past a remote change, so it still applies and touches only our text. */
  transform(remote: WorkspaceChange): void {
    if (remote.length === 0) return;
    for (const stack of [this.undoStack, this.redoStack]) {
      // The newest step applies to the current state; older ones apply under the newer steps,
      // so each is transformed against the remote change moved past the steps above it.
      let against = remote;
      for (let i = stack.length - 1; i >= 0; i--) {
        const step = stack[i]!;
        const change = changeOf(step);
        const moved = transformWorkspaceChange(change, against, 'right');
        against = transformWorkspaceChange(against, change, 'left').change;
        step.reversed = moved.change.slice().reverse();
      }
      for (let i = stack.length - 1; i >= 0; i--)
        if (stack[i]!.reversed.length === 0) stack.splice(i, 1);
    }
  }

  /** Forgets everything (after a rebase or resync, whose history is unknown). */
  clear(): void {
    this.undoStack = [];
    this.redoStack = [];
  }
}
