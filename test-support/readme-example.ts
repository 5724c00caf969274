import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

/**
 * What an example says it prints: the trailing `// comment` of each line that calls
 * `console.log`, in order. Examples keep that comment to the exact output so that the README
 * reader and this test see the same promise.
 */
export function expectedOutput(source: string): string[] {
  const lines: string[] = [];
  for (const line of source.split('\n')) {
    const match = /^\s*(?:if \(.*\) )?console\.log\(.*\);\s*\/\/ (.*)$/.exec(line);
    if (match) lines.push(match[1]!);
  }
  return lines;
}

/**
 * Checks a package's README example: the first ```ts block of `packages/<pkg>/README.md` is the
 * file `examples/<file>` word for word, and running that file (tsx, against the sources) prints
 * what its comments say.
 */
export function describeReadmeExample(pkg: string, file: string, timeoutMs = 30_000): void {
  const examplePath = `${root}examples/${file}`;
  const source = readFileSync(examplePath, 'utf8');
  describe(`the ${pkg} README example`, () => {
    it('is the file in examples/, word for word', () => {
      const readme = readFileSync(`${root}packages/${pkg}/README.md`, 'utf8');
      expect(/```ts\n([\s\S]*?)```/.exec(readme)?.[1]).toBe(source);
    });

    it(
      'runs and prints what its comments say',
      async () => {
        const expected = expectedOutput(source);
        expect(expected.length).toBeGreaterThan(0);
        // Examples keep their data in os.tmpdir(), as a reader's copy would, and leave it there;
        // pointed at a directory of the test's own, nothing is left behind.
        const exampleTmp = mkdtempSync(join(tmpdir(), 'dist-space-readme-'));
        try {
          const { stdout } = await promisify(execFile)(
            process.execPath,
            ['--import', 'tsx', '--conditions=@dist-space/source', examplePath],
            { cwd: root, timeout: timeoutMs, env: { ...process.env, TMPDIR: exampleTmp } },
          );
          expect(stdout.trimEnd().split('\n')).toEqual(expected);
        } finally {
          rmSync(exampleTmp, { recursive: true, force: true });
        }
      },
      timeoutMs + 5_000,
    );
  });
}
