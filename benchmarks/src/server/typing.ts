// What the server benchmark's clients have in common, whichever system they talk to.

/**
 * Counts a client's acknowledged changes while the measurement window is open, and the time
 * from sending each to its ack.
 */
export class AckMeter {
  /** True while the measurement window is open. */
  recording = false;
  changes = 0;
  readonly latencies: number[] = [];

  /** A change sent at `sentAt` (performance.now()) was acknowledged. */
  acked(sentAt: number): void {
    if (!this.recording) return;
    this.changes++;
    this.latencies.push(performance.now() - sentAt);
  }
}

/**
 * A client typing into one document of a server, one character at a time at its cursor, as fast
 * as the protocol lets it: one change in flight, and the next keystroke always typed and waiting
 * (buffered) for that change's ack. Each time the client sends a change it types its next
 * keystroke; the ack of the change in flight sends that keystroke, and so on. So every change
 * carries one keystroke, and keystrokes per second are changes per second.
 */
export interface TypingClient {
  readonly meter: AckMeter;
  /** Starts typing. */
  start(): void;
  /** Types no more keystrokes; those typed still go out. */
  stop(): void;
  /** True when everything typed has been acknowledged. */
  readonly idle: boolean;
  /** The server's version of the document the client has reached. */
  readonly version: number;
  /** The document as the client sees it. */
  text(): string;
  /** The first protocol error the client met (a Reject, a broken order), if any. */
  readonly failure: string | undefined;
  close(): void;
}

/** How a client starts: where its cursor is and what it types. */
export interface Typist {
  /** The document's initial text; the client types its characters, from `cursor` on, in a loop. */
  readonly source: string;
  /** Where the cursor starts. */
  readonly cursor: number;
}

/**
 * The keystroke loop both systems' clients share: each keystroke inserts the typist's next
 * character at the cursor, which then moves past it. A subclass says how a keystroke reaches its
 * document and calls {@link TypingClientBase.type} again when the protocol lets the next one go.
 */
export abstract class TypingClientBase {
  readonly meter = new AckMeter();
  failure: string | undefined;
  protected cursor: number;
  private typed = 0;
  private typing = false;

  constructor(
    protected readonly typist: Typist,
    /** Names the client in its failure. */
    private readonly label: string,
  ) {
    this.cursor = typist.cursor;
  }

  start(): void {
    this.typing = true;
    this.type();
  }

  stop(): void {
    this.typing = false;
  }

  /** Types the next keystroke, unless stopped. */
  protected type(): void {
    if (!this.typing) return;
    const source = this.typist.source;
    this.insert(this.cursor, source[(this.typist.cursor + this.typed++) % source.length]!);
    this.cursor++;
  }

  /** Inserts `character` at `position` of the document, as the system's client does. */
  protected abstract insert(position: number, character: string): void;

  /** Keeps the first failure: the later ones tend to follow from it. */
  protected fail(why: string): void {
    this.failure ??= `${this.label}: ${why}`;
  }
}

/** One measured system: how to start its server, set up a document and connect typists. */
export interface System {
  readonly name: string;
  /** The server's child-process entry (see server-process.ts). */
  readonly server: URL;
  /**
   * Creates `doc` holding `source` on the server, and connects one client per typist to it.
   * `doc` names the document (for us: a workspace holding one file).
   */
  connect(url: string, doc: string, typists: readonly Typist[]): Promise<TypingClient[]>;
  /** The document as the server has it, read by a fresh connection. */
  serverText(url: string, doc: string): Promise<string>;
}
