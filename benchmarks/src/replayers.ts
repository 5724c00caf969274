import { ChangeSet, Text as CodeMirrorText } from '@codemirror/state';
import { MutableText, Text } from '@dist-space/ot-core';
import * as Y from 'yjs';
import type { Patch, Trace } from './trace.js';

// How each participant replays a trace into its own document, through its public API, as an
// editor would: one edit per patch. The result is the final document; `text` reads it back for
// verification, outside the timed part.

/** A way to replay a trace into a document of type `D`. */
export interface Replayer<D = unknown> {
  /** The participant's name in result rows. */
  readonly name: string;
  /** Applies every patch of `trace` to a fresh document and returns it. */
  replay(trace: Trace): D;
  /** The document's content. */
  text(doc: D): string;
}

/** Ours, edited in place: `MutableText.replace` per patch. */
export const mutableText: Replayer<MutableText> = {
  name: 'MutableText',
  replay(trace) {
    const doc = new MutableText(trace.startContent);
    const patches = trace.patches;
    for (let i = 0; i < patches.length; i++) {
      const p = patches[i]!;
      doc.replace(p.pos, p.del, p.ins);
    }
    return doc;
  },
  text: (doc) => doc.toString(),
};

/** Ours, persistent: `Text.replace` per patch, each edit a new version. */
export const persistentText: Replayer<Text> = {
  name: 'Text',
  replay(trace) {
    let doc = Text.of(trace.startContent);
    const patches = trace.patches;
    for (let i = 0; i < patches.length; i++) {
      const p = patches[i]!;
      doc = doc.replace(p.pos, p.del, p.ins);
    }
    return doc;
  },
  text: (doc) => doc.toString(),
};

/** Yjs: one `Y.Text` in one `Y.Doc`, a delete and an insert per patch. */
export const yjs: Replayer<Y.Doc> = {
  name: 'yjs',
  replay(trace) {
    const doc = new Y.Doc();
    const text = doc.getText('text');
    if (trace.startContent.length > 0) text.insert(0, trace.startContent);
    const patches = trace.patches;
    for (let i = 0; i < patches.length; i++) {
      const p = patches[i]!;
      if (p.del > 0) text.delete(p.pos, p.del);
      if (p.ins.length > 0) text.insert(p.pos, p.ins);
    }
    return doc;
  },
  text: (doc) => doc.getText('text').toString(),
};

/** CodeMirror's rope: `Text.replace` per patch. */
export const codemirrorText: Replayer<CodeMirrorText> = {
  name: 'codemirror',
  replay(trace) {
    let doc = CodeMirrorText.of(trace.startContent.split('\n'));
    const patches = trace.patches;
    for (let i = 0; i < patches.length; i++) {
      const p = patches[i]!;
      doc = doc.replace(p.pos, p.pos + p.del, CodeMirrorText.of(p.ins.split('\n')));
    }
    return doc;
  },
  text: (doc) => doc.toString(),
};

/**
 * CodeMirror's `ChangeSet`, as an editor transaction applies it: the patches of one transaction
 * composed into one change set, applied to the document.
 */
export const codemirrorChangeSet: Replayer<CodeMirrorText> = {
  name: 'changeset',
  replay(trace) {
    let doc = CodeMirrorText.of(trace.startContent.split('\n'));
    for (const txn of trace.txns) {
      let changes = ChangeSet.of(toChangeSpec(txn[0]!), doc.length);
      for (let i = 1; i < txn.length; i++) {
        changes = changes.compose(ChangeSet.of(toChangeSpec(txn[i]!), changes.newLength));
      }
      doc = changes.apply(doc);
    }
    return doc;
  },
  text: (doc) => doc.toString(),
};

/** A plain JavaScript string, sliced and concatenated per patch. */
export const plainString: Replayer<string> = {
  name: 'string',
  replay(trace) {
    let doc = trace.startContent;
    const patches = trace.patches;
    for (let i = 0; i < patches.length; i++) {
      const p = patches[i]!;
      doc = doc.slice(0, p.pos) + p.ins + doc.slice(p.pos + p.del);
    }
    return doc;
  },
  text: (doc) => doc,
};

/**
 * A patch as a CodeMirror change. The inserted text goes in as a `Text` cut at `\n` only, as
 * the trace means it; a string would have CodeMirror also treat `\r\n` and `\r` as breaks.
 */
export function toChangeSpec(p: Patch): { from: number; to: number; insert: CodeMirrorText } {
  return { from: p.pos, to: p.pos + p.del, insert: CodeMirrorText.of(p.ins.split('\n')) };
}
