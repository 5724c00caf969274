import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const examplePath = `${root}examples/ot-core/quick-start.ts`;

describe('the README example', () => {
  it('is the file in examples/, word for word', () => {
    const readme = readFileSync(`${root}packages/ot-core/README.md`, 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(examplePath, 'utf8'));
  });

  it('runs and prints what its comments say', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--conditions=source', examplePath],
      { cwd: root, timeout: 30_000 },
    );
    expect(stdout.split('\n')).toEqual([
      'Hello, there',
      'true',
      'Hello, world',
      '{ pos: 5, deleted: false }',
      '> Hello, there | Hello, there',
      '{ line: 0, column: 4 }',
      '',
    ]);
  });
});
