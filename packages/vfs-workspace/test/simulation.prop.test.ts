import {
  applyWorkspaceChange,
  composeWorkspaceChanges,
  createIdGenerator,
  type IdGenerator,
  transformWorkspaceChange,
  transformWorkspaceX,
  validateWorkspace,
  type Workspace,
  Workspace as WorkspaceClass,
  type WorkspaceOp,
} from '@dist-space/vfs-workspace';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from './support/chunked.js';
import {
  baseSeedsArb,
  CharSource,
  changeFromWsSeeds,
  describeWorkspace,
  mustApply,
  type WsSeed,
  wsSeedsArb,
} from './support/workspace-arbs.js';

// The ot.js-style simulation of packages/ot-core, over workspace changes: one sequencer,
// several clients with the three-state pending machine (in flight, buffer), FIFO links per
// client and a random interleaving of local changes and deliveries.

type ToServer = { rev: number; change: WorkspaceOp[] };
type ToClient = { kind: 'ack' } | { kind: 'remote'; change: WorkspaceOp[] };

let concurrentSubmissions = 0;

function checked(ws: Workspace): Workspace {
  expect(validateWorkspace(ws)).toEqual([]);
  return ws;
}

class Sequencer {
  history: WorkspaceOp[][] = [];
  constructor(public ws: Workspace) {}
  /** Transforms a change made at `rev` through everything sequenced since, as one unit. */
  receive({ rev, change }: ToServer): WorkspaceOp[] {
    let c = change;
    if (rev < this.history.length && change.length > 0) concurrentSubmissions++;
    for (let r = rev; r < this.history.length; r++) {
      c = transformWorkspaceChange(c, this.history[r]!, 'right').change;
    }
    const next = applyWorkspaceChange(this.ws, c);
    if (!next.ok) throw next.error;
    this.ws = checked(next.value);
    this.history.push(c);
    return c;
  }
}

class SimClient {
  rev = 0;
  inflight: WorkspaceOp[] | null = null;
  buffer: WorkspaceOp[] | null = null;
  readonly up: ToServer[] = [];
  readonly down: ToClient[] = [];
  constructor(
    public ws: Workspace,
    private readonly newId: IdGenerator,
    private readonly chars: CharSource,
  ) {}
  edit(seeds: WsSeed[]): void {
    const { change, after } = changeFromWsSeeds(this.ws, seeds, this.newId, this.chars);
    if (change.length === 0) return;
    this.ws = checked(after);
    if (this.inflight === null) {
      this.inflight = change;
      this.up.push({ rev: this.rev, change });
    } else {
      // Unsent local changes may be composed; a sent change never is (DESIGN.md 3.3).
      this.buffer = this.buffer === null ? change : composeWorkspaceChanges(this.buffer, change);
    }
  }
  deliver(): void {
    const msg = this.down.shift();
    if (msg === undefined) return;
    this.rev++;
    if (msg.kind === 'ack') {
      this.inflight = this.buffer;
      this.buffer = null;
      if (this.inflight !== null) this.up.push({ rev: this.rev, change: this.inflight });
      return;
    }
    let remote = msg.change;
    if (this.inflight !== null) {
      // Pending local changes were not sequenced yet: they go right.
      const x = transformWorkspaceX(this.inflight, remote, 'right');
      this.inflight = x.a.change;
      remote = x.b.change;
      if (this.buffer !== null) {
        const y = transformWorkspaceX(this.buffer, remote, 'right');
        this.buffer = y.a.change;
        remote = y.b.change;
      }
    }
    this.ws = checked(mustApply(this.ws, remote));
  }
}

type Action =
  | { kind: 'edit'; client: number; seeds: WsSeed[] }
  | { kind: 'toServer'; client: number }
  | { kind: 'toClient'; client: number };

function run(base: Workspace, clientCount: number, actions: Action[], chars: CharSource) {
  const server = new Sequencer(base);
  const clients = Array.from(
    { length: clientCount },
    (_, i) => new SimClient(base, createIdGenerator(`c${i}`), chars),
  );
  const sequence = (from: number) => {
    const msg = clients[from]!.up.shift();
    if (msg === undefined) return;
    const change = server.receive(msg);
    clients.forEach((c, i) => {
      c.down.push(i === from ? { kind: 'ack' } : { kind: 'remote', change });
    });
  };
  for (const action of actions) {
    const i = action.client % clientCount;
    if (action.kind === 'edit') clients[i]!.edit(action.seeds);
    else if (action.kind === 'toServer') sequence(i);
    else clients[i]!.deliver();
  }
  // Drain every link; bounded because each round sends at most one message per client.
  for (let round = 0; round < 10_000; round++) {
    let moved = false;
    clients.forEach((c, i) => {
      if (c.up.length > 0) {
        sequence(i);
        moved = true;
      }
    });
    for (const c of clients) {
      while (c.down.length > 0) {
        c.deliver();
        moved = true;
      }
    }
    if (!moved) break;
  }
  return { server: server.ws, clients: clients.map((c) => c.ws) };
}

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), client: fc.nat(7), seeds: wsSeedsArb(3) }),
  fc.record({ kind: fc.constant('toServer' as const), client: fc.nat(7) }),
  fc.record({ kind: fc.constant('toClient' as const), client: fc.nat(7) }),
);

describe('multi-client simulation over workspace changes', () => {
  it('every client converges to the server workspace, whatever the delivery order', async () => {
    concurrentSubmissions = 0;
    await assertInChunks(
      fc.property(
        baseSeedsArb,
        fc.integer({ min: 3, max: 5 }),
        fc.array(actionArb, { maxLength: 40 }),
        (baseSeeds, n, actions) => {
          const chars = new CharSource();
          const base = changeFromWsSeeds(
            WorkspaceClass.empty,
            baseSeeds,
            createIdGenerator('base'),
            chars,
          ).after;
          const { server, clients } = run(base, n, actions, chars);
          const expected = describeWorkspace(server);
          for (const c of clients) expect(describeWorkspace(c)).toEqual(expected);
        },
      ),
      Math.max(50, Math.floor(fc.readConfigureGlobal().numRuns! / 4)),
    );
    expect(concurrentSubmissions).toBeGreaterThan(0);
  });
});
