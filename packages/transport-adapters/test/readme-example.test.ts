import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const examplePath = `${root}examples/transport-adapters/echo-server.ts`;

describe('the README example', () => {
  it('is the file in examples/, word for word', () => {
    const readme = readFileSync(`${root}packages/transport-adapters/README.md`, 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(examplePath, 'utf8'));
  });

  it('runs and prints what its comments say', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions=@dist-space/source', examplePath],
      { cwd: root, timeout: 30_000 },
    );
    expect(stdout.split('\n')).toEqual(['SHOUT THIS', 'LIMIT_EXCEEDED remote', '']);
  });
});
