import type { Suite } from './harness.js';
import type { SuiteReply, SuiteRequest } from './runner.js';

// The child process of one suite: receives which suite to run and how, sends back its rows.

process.once('message', async (message) => {
  const request = message as SuiteRequest;
  let reply: SuiteReply;
  try {
    const { suite } = (await import(request.module)) as { suite: Suite };
    reply = { rows: await suite.run(request.options) };
  } catch (error) {
    reply = { error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send!(reply, () => process.disconnect());
});
