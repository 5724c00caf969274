import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

/** Every source file the package root reaches through relative imports. */
function reachableFrom(entry: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    const text = readFileSync(file, 'utf8');
    files.set(file, text);
    for (const [, specifier] of text.matchAll(/(?:from|import) '(\.[^']+)'/g)) {
      if (specifier !== undefined) visit(join(dirname(file), specifier.replace(/\.js$/, '.ts')));
    }
  };
  visit(join(src, entry));
  return files;
}

describe('the package root (the browser entry)', () => {
  it('reaches no Node built-in, no ws, and no Node-only global', () => {
    const files = reachableFrom('index.ts');
    expect(files.size).toBeGreaterThan(10);
    for (const [file, text] of files) {
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      const outside = imports.filter((specifier) => !specifier?.startsWith('.'));
      expect(outside, file).toEqual(outside.filter((s) => s === '@dist-space/ot-core'));
      const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      expect(/\bBuffer\b|\bprocess\./.test(code), file).toBe(false);
    }
  });
});
