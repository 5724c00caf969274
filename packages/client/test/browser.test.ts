import { existsSync } from 'node:fs';
import type { Client, WorkspaceHandle } from '@dist-space/client';
import { MemoryOpLogStore, type StoredChange } from '@dist-space/oplog-storage';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ExampleServer,
  exampleUrl,
  serveExample,
} from '../../../examples/browser-client/serve.js';
import { BROWSER_BUNDLE_FILE, buildBrowserBundle } from '../scripts/browser-bundle.js';
import { connect, startTestServer, type TestServer, textOf, token } from './support/setup.js';

// Two Chromium pages of examples/browser-client, on the same file of a real server, typing at
// once (with typos taken back by Backspace, and one page deleting a line), while a Node client
// edits the same file before both cursors: both pages, the Node client and the server must end
// on the same text, each typed text present once, and each page's cursor still where its user
// left it. Debian's Chromium, driven by playwright-core; no browser is ever downloaded.

const CHROMIUM = '/usr/bin/chromium';
const KEY_DELAY_MS = 15;
const WORKSPACE = 'shared';
const FILE = 'notes.md';

/**
 * The memory store with a slow disk: every commit takes 20 ms, so acks come late, each page
 * keeps typing into its buffer while its change is in flight, and the two pages' changes really
 * cross on the server instead of taking turns.
 */
class SlowCommitStore extends MemoryOpLogStore {
  override async append(workspace: string, changes: readonly StoredChange[]): Promise<void> {
    await sleep(20);
    return super.append(workspace, changes);
  }
}

/** The part of the page's globals the test reads (the test's own lib has no DOM types). */
interface PageGlobals {
  document: {
    querySelector(selector: string): {
      value: string;
      textContent: string;
      selectionStart: number;
      selectionEnd: number;
      disabled: boolean;
      focus(): void;
      setSelectionRange(start: number, end: number): void;
    } | null;
  };
  distSpace?: { client: Client; workspace: WorkspaceHandle };
  /** Remote changes that arrived while the page had changes of its own pending (counted here). */
  crossed?: number;
}

/** What a page shows and holds. */
interface PageView {
  readonly value: string;
  readonly text: string;
  readonly cursor: readonly [number, number];
  readonly pending: number;
  readonly revision: number;
  readonly state: string;
  readonly status: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function view(page: Page): Promise<PageView | undefined> {
  return page.evaluate((file): PageView | undefined => {
    const g = globalThis as unknown as PageGlobals;
    const textarea = g.document.querySelector('textarea');
    const status = g.document.querySelector('#status');
    if (!g.distSpace || !textarea || !status || textarea.disabled) return undefined;
    const { client, workspace } = g.distSpace;
    const text = workspace.read(file);
    return {
      value: textarea.value,
      text: text.ok ? text.value : `(${text.error.message})`,
      cursor: [textarea.selectionStart, textarea.selectionEnd],
      pending: workspace.pendingCount,
      revision: workspace.revision,
      state: client.state,
      status: status.textContent,
    };
  }, FILE);
}

/** Polls `check` every 50 ms until it returns a value, for at most `timeoutMs`. */
async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: () => string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(50);
  }
}

/** Types text, and presses Backspace for `{ backspace: n }`, a key every KEY_DELAY_MS. */
async function typeInto(page: Page, steps: ReadonlyArray<string | { backspace: number }>) {
  for (const step of steps) {
    if (typeof step === 'string') {
      await page.keyboard.type(step, { delay: KEY_DELAY_MS });
      continue;
    }
    for (let i = 0; i < step.backspace; i++) {
      await page.keyboard.press('Backspace');
      await sleep(KEY_DELAY_MS);
    }
  }
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('the browser example in Chromium', () => {
  let server: TestServer;
  let example: ExampleServer;
  let browser: Browser;
  const clients: Client[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `The browser test needs Debian's Chromium at ${CHROMIUM}, which is missing. Install it with ` +
          '`apt-get update && apt-get install -y chromium` (.ci/run does this when it is missing); ' +
          'the test never downloads a browser.',
      );
    }
    const [testServer, bundle] = await Promise.all([
      startTestServer({ store: new SlowCommitStore() }),
      buildBrowserBundle(),
    ]);
    server = testServer;
    example = await serveExample({ bundle });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
      timeout: 20_000,
    });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(clients.map((client) => client.close()));
    await example?.close();
    await server?.stop();
  });

  /** A page of the example, as `subject`, in a context (profile) of its own, ready to type. */
  async function openPage(subject: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${subject}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`${subject}: ${message.text()}`);
    });
    const url = exampleUrl(example.url, {
      server: server.wsUrl,
      token: await token(subject),
      workspace: WORKSPACE,
      file: FILE,
    });
    await page.goto(url);
    await eventually(
      () => view(page),
      () => `${subject}'s page to connect (errors: ${pageErrors.join('; ') || 'none'})`,
    );
    return page;
  }

  /**
   * Focuses a page's textarea with the cursor at `pos`, and starts counting the remote changes
   * that cross the page's own (arrive while it has changes pending).
   */
  function placeCursor(page: Page, pos: number): Promise<void> {
    return page.evaluate((at) => {
      const g = globalThis as unknown as PageGlobals;
      const textarea = g.document.querySelector('textarea')!;
      textarea.focus();
      textarea.setSelectionRange(at, at);
      g.crossed = 0;
      const workspace = g.distSpace!.workspace;
      workspace.on('change', ({ local }) => {
        if (!local && workspace.pendingCount > 0) g.crossed! += 1;
      });
    }, pos);
  }

  function crossed(page: Page): Promise<number> {
    return page.evaluate(() => (globalThis as unknown as PageGlobals).crossed ?? 0);
  }

  it('two pages typing at once converge with each other and the server', async () => {
    const started = Date.now();
    const carol = await connect(server, 'carol');
    clients.push(carol);
    const node = await carol.open(WORKSPACE, { create: true });
    node.createFile(FILE, 'alpha\nbravo\ncharlie\n');
    await node.whenSynced();

    const [ann, ben] = await Promise.all([openPage('ann'), openPage('ben')]);
    expect((await view(ann))?.value).toBe('alpha\nbravo\ncharlie\n');
    await placeCursor(ann, 'alpha'.length); // end of line 1
    await placeCursor(ben, 'alpha\nbravo'.length); // end of line 2
    const typing = Date.now();

    await Promise.all([
      // Ann appends to line 1, fixing a typo.
      typeInto(ann, [' one twp', { backspace: 1 }, 'o three']),
      // Ben deletes "bravo" key by key, then writes a new line 2, fixing a typo.
      typeInto(ben, [{ backspace: 5 }, 'four fivr', { backspace: 1 }, 'e six']),
      // Meanwhile a Node client edits before both cursors, then after them.
      (async () => {
        await sleep(80);
        node.insert(FILE, 0, '# title\n');
        await sleep(150);
        const text = textOf(node, FILE);
        node.replace(FILE, text.indexOf('charlie'), 'charlie'.length, 'delta');
      })(),
    ]);
    const typedMs = Date.now() - typing;

    const expected = '# title\nalpha one two three\nfour five six\ndelta\n';
    const [a, b] = await eventually(
      async () => {
        const views = await Promise.all([view(ann), view(ben)]);
        const [va, vb] = views;
        const settled =
          va &&
          vb &&
          va.pending === 0 &&
          vb.pending === 0 &&
          node.pendingCount === 0 &&
          va.revision === node.revision &&
          vb.revision === node.revision;
        return settled ? ([va, vb] as const) : undefined;
      },
      () => `both pages and the Node client to settle on one revision (node at ${node.revision})`,
    );
    const syncedMs = Date.now() - typing;

    // What the server holds: a fresh client's snapshot.
    const dave = await connect(server, 'dave');
    clients.push(dave);
    const fresh = await dave.open(WORKSPACE);
    const serverText = textOf(fresh, FILE);

    expect(pageErrors).toEqual([]);
    expect(fresh.revision).toBe(a.revision);
    expect(serverText).toBe(expected);
    for (const page of [a, b]) {
      expect(page.value).toBe(serverText); // what the page shows
      expect(page.text).toBe(serverText); // what its workspace handle holds
      expect(page.state).toBe('connected');
      expect(page.status).toContain('synced');
    }
    expect(textOf(node, FILE)).toBe(serverText);
    expect(occurrences(serverText, 'one two three')).toBe(1);
    expect(occurrences(serverText, 'four five six')).toBe(1);
    // Each page's cursor followed the remote edits: it is right after what its user typed.
    expect(a.cursor).toEqual([expected.indexOf('\nfour'), expected.indexOf('\nfour')]);
    expect(b.cursor).toEqual([expected.indexOf('\ndelta'), expected.indexOf('\ndelta')]);
    // The pages' changes really crossed: each page merged remote changes into pending ones.
    const [crossedA, crossedB] = await Promise.all([crossed(ann), crossed(ben)]);
    expect(crossedA).toBeGreaterThan(0);
    expect(crossedB).toBeGreaterThan(0);
    console.info(
      `browser test: pages ready after ${typing - started} ms, typed in ${typedMs} ms, in sync ` +
        `${syncedMs} ms after typing began; remote changes crossing pending ones: ${crossedA}, ${crossedB}`,
    );
  });
  it("gives a second tab of one origin its own IndexedDB slot (Web Locks), and a closed tab's slot to the next", async () => {
    const context = await browser.newContext();
    try {
      // Tabs of one origin (one profile): each loads the bundle and opens the store as a client
      // does, saving an id when its slot has none, and reports what its slot held.
      const bundleUrl = `${example.url}${BROWSER_BUNDLE_FILE}`;
      const tab = async (id: string): Promise<{ page: Page; found: string | null }> => {
        const page = await context.newPage();
        await page.goto(bundleUrl);
        // A string, not a function: vitest would rewrite a function's `import()` for Node.
        const found = (await page.evaluate(`(async () => {
          const bundle = await import(${JSON.stringify(bundleUrl)});
          const store = new bundle.IndexedDbPendingStore('slots');
          await store.acquire();
          const saved = await store.loadIdentity();
          if (!saved) await store.saveIdentity(${JSON.stringify(id)});
          return saved ?? null;
        })()`)) as string | null;
        return { page, found };
      };
      const heldSlots = (page: Page) =>
        page.evaluate(async () => {
          const locks = (
            globalThis as unknown as {
              navigator: { locks: { query(): Promise<{ held: { name: string }[] }> } };
            }
          ).navigator.locks;
          return (await locks.query()).held.map((l) => l.name).sort();
        });
      const one = await tab('one');
      const two = await tab('two');
      expect([one.found, two.found]).toEqual([null, null]);
      expect(await heldSlots(two.page)).toEqual(['slots/slot-0', 'slots/slot-1']);
      await one.page.close(); // the browser releases its lock
      await eventually(
        async () => ((await heldSlots(two.page)).length === 1 ? true : undefined),
        () => 'the closed tab to release its slot',
      );
      expect((await tab('three')).found).toBe('one');
    } finally {
      await context.close();
    }
  });
});
