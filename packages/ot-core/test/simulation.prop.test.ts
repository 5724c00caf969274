import { apply, compose, type Op, transform, transformX } from '@dist-space/ot-core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertInChunks } from '../../../test-support/chunked-property.js';
import {
  changeFromSeeds,
  docArb,
  type OpSeed,
  opSeedArb,
  seedsArb,
} from './support/arbitraries.js';

// An ot.js-style simulation: one sequencer, several clients with the three-state pending
// machine (Synchronized, AwaitingConfirm, AwaitingWithBuffer), FIFO links per client and a
// random interleaving of edits and deliveries across clients.

type ToServer = { rev: number; change: Op[] };
type ToClient = { kind: 'ack' } | { kind: 'remote'; change: Op[] };

/** How many submissions were concurrent with something, across all runs: proof the test bites. */
let concurrentSubmissions = 0;

class Sequencer {
  doc: string;
  history: Op[][] = [];
  constructor(doc: string) {
    this.doc = doc;
  }
  /** Transforms a change made at `rev` through everything sequenced since, as one unit. */
  receive({ rev, change }: ToServer): Op[] {
    let c = change;
    if (rev < this.history.length && change.length > 0) concurrentSubmissions++;
    for (let r = rev; r < this.history.length; r++) c = transform(c, this.history[r]!, 'right');
    this.doc = apply(this.doc, c);
    this.history.push(c);
    return c;
  }
}

class SimClient {
  doc: string;
  rev: number;
  inflight: Op[] | null = null;
  buffer: Op[] | null = null;
  readonly up: ToServer[] = [];
  readonly down: ToClient[] = [];
  constructor(doc: string) {
    this.doc = doc;
    this.rev = 0;
  }
  edit(seeds: OpSeed[]): void {
    const change = changeFromSeeds(this.doc, seeds);
    this.doc = apply(this.doc, change);
    if (this.inflight === null) {
      this.inflight = change;
      this.up.push({ rev: this.rev, change });
    } else {
      // Unsent local edits may be composed; a sent change never is (DESIGN.md 3.3).
      this.buffer = this.buffer === null ? change : compose(this.buffer, change);
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
      // Pending local changes were not sequenced yet: they lose ties (right side).
      const [inflight, r1] = transformX(this.inflight, remote, 'right');
      this.inflight = inflight;
      remote = r1;
      if (this.buffer !== null) {
        const [buffer, r2] = transformX(this.buffer, remote, 'right');
        this.buffer = buffer;
        remote = r2;
      }
    }
    this.doc = apply(this.doc, remote);
  }
}

type Action =
  | { kind: 'edit'; client: number; seeds: OpSeed[] }
  | { kind: 'toServer'; client: number }
  | { kind: 'toClient'; client: number };

function run(
  doc: string,
  clientCount: number,
  actions: Action[],
): { server: string; clients: string[] } {
  const server = new Sequencer(doc);
  const clients = Array.from({ length: clientCount }, () => new SimClient(doc));
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
  return { server: server.doc, clients: clients.map((c) => c.doc) };
}

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('edit' as const), client: fc.nat(7), seeds: seedsArb(3) }),
  fc.record({ kind: fc.constant('toServer' as const), client: fc.nat(7) }),
  fc.record({ kind: fc.constant('toClient' as const), client: fc.nat(7) }),
);

describe('client/server simulation', () => {
  it('every client converges to the server document, whatever the delivery order', async () => {
    await assertInChunks(
      fc.property(
        docArb,
        fc.integer({ min: 3, max: 5 }),
        fc.array(actionArb, { maxLength: 60 }),
        (doc, n, actions) => {
          const { server, clients } = run(doc, n, actions);
          for (const c of clients) expect(c).toBe(server);
        },
      ),
      Math.max(50, Math.floor(fc.readConfigureGlobal().numRuns! / 4)),
    );
    expect(concurrentSubmissions).toBeGreaterThan(0);
  });

  it('keeps every client edit when only inserts happen', async () => {
    await assertInChunks(
      fc.property(
        fc.array(fc.tuple(fc.nat(7), opSeedArb), { maxLength: 30 }),
        fc.array(fc.nat(7), { maxLength: 40 }),
        (edits, order) => {
          const actions: Action[] = [];
          let inserted = 0;
          edits.forEach(([client, seed], k) => {
            actions.push({ kind: 'edit', client, seeds: [{ ...seed, kind: 'insert' }] });
            inserted += seed.text.length;
            const deliver = order[k];
            if (deliver !== undefined)
              actions.push({ kind: k % 2 ? 'toServer' : 'toClient', client: deliver });
          });
          const { server, clients } = run('', 3, actions);
          expect(server.length).toBe(inserted);
          for (const c of clients) expect(c).toBe(server);
        },
      ),
    );
  });
});
