import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SERVER_CONFIG, USAGE } from '@dist-space/server';
import { DEFAULT_CONNECTION_LIMITS } from '@dist-space/transport-adapters';
import { describe, expect, it } from 'vitest';

// Issue 6 promises limits "with documented defaults": docs/server.md states each default, and an
// operator sizes a deployment from that page. These tests hold the page to the code, so that a
// default changed in one place and not the other fails here.

const page = readFileSync(
  fileURLToPath(new URL('../../../docs/server.md', import.meta.url)),
  'utf8',
);

/** A default as the page writes it: `10,000`, `8 MiB`, `8 Mi code units`, `4 KiB`, `` `4455` ``. */
function parseDefault(text: string): number | string {
  const t = text.trim().replaceAll('`', '');
  const sized = /^(\d+) (Ki|Mi)(?:B| code units)$/.exec(t);
  if (sized) return Number(sized[1]) * (sized[2] === 'Ki' ? 1024 : 1024 * 1024);
  if (/^\d+(,\d{3})*$/.test(t)) return Number(t.replaceAll(',', ''));
  return t;
}

/**
 * The rows of the page's tables as setting -> default, from the settings table (setting, flag,
 * default, meaning) and the limits table (limit, default, breach). A row may name several
 * settings (`` `connection.pingIntervalMs`, `heartbeatTimeoutMs` ``) with one default each,
 * the later ones in the first one's section.
 */
function documentedDefaults(): Map<string, number | string> {
  const out = new Map<string, number | string>();
  for (const line of page.split('\n')) {
    const cells = line.split(' | ').map((c) => c.replace(/^\|\s*|\s*\|$/g, ''));
    if (!line.startsWith('| `') || cells.length < 3) continue;
    const names = [...cells[0]!.matchAll(/`([A-Za-z.]+)`/g)].map((m) => m[1]!);
    const defaultCell = cells.length === 3 ? cells[1]! : cells[2]!;
    if (cells[0]!.includes(' / ')) continue; // alternatives (a secret or its file), no default
    const values = defaultCell.split(/,\s+/);
    if (values.length !== names.length) continue; // prose, not one default per setting
    const section = names[0]!.includes('.') ? names[0]!.slice(0, names[0]!.indexOf('.') + 1) : '';
    names.forEach((name, i) => {
      out.set(name.includes('.') ? name : section + name, parseDefault(values[i]!));
    });
  }
  return out;
}

describe('docs/server.md', () => {
  const documented = documentedDefaults();

  it('states every server limit with the default the code has', () => {
    for (const [name, value] of Object.entries(DEFAULT_SERVER_CONFIG.limits)) {
      expect(documented.get(`limits.${name}`), `limits.${name}`).toBe(value);
    }
  });

  it('states every connection limit with the default the transport has', () => {
    for (const [name, value] of Object.entries(DEFAULT_CONNECTION_LIMITS)) {
      expect(documented.get(`connection.${name}`), `connection.${name}`).toBe(value);
    }
  });

  it('states the defaults of the settings, as --help does', () => {
    const { host, port, dataDir, store, logLevel, persistence } = DEFAULT_SERVER_CONFIG;
    const settings = { host, port, dataDir, store, logLevel };
    for (const [name, value] of Object.entries(settings)) {
      expect(documented.get(name), name).toBe(value);
    }
    for (const [name, value] of Object.entries(persistence)) {
      expect(documented.get(`persistence.${name}`), `persistence.${name}`).toBe(value);
    }
    expect(USAGE).toContain(`(default ${host})`);
    expect(USAGE).toContain(`(default ${port})`);
    expect(USAGE).toContain(`(default ${dataDir})`);
    expect(USAGE).toContain(`(default ${store})`);
  });
});
