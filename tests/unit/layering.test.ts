/**
 * Which folder may import which. The call core (call, media, files, signaling, i18n) is
 * shared by the extension and the guest web page, so it must never reach up into the
 * extension glue, WXT, the components or the entrypoints; and one module alone knows PeerJS.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Every module a file imports, statically, dynamically or for its side effects, as written. */
function importsOf(path: string): string[] {
  const text = readFileSync(join(root, path), 'utf8');
  // `from '…'`, `import('…')`, and imports for their side effects alone (`import '…'`).
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
}

/** A relative import, as a path from the repository's root; a package import as written. */
function target(from: string, spec: string): string {
  return spec.startsWith('.') ? relative(root, resolve(root, dirname(from), spec)) : spec;
}

const core = ['lib/call', 'lib/media', 'lib/files', 'lib/signaling', 'lib/i18n'];
const everything = ['lib', 'components', 'entrypoints', 'guest', 'signaling', 'bench', 'scripts', 'tests'].flatMap(sources);

describe('the layering of the code', () => {
  it.each(core)('%s imports nothing of the extension, WXT, the components or the entrypoints', (dir) => {
    const reaching = sources(dir).flatMap((file) =>
      importsOf(file)
        .map((spec) => target(file, spec))
        .filter((t) => /^(lib\/extension|components|entrypoints)(\/|$)/.test(t) || t === 'wxt' || t.startsWith('wxt/') || t === '#imports')
        .map((t) => `${file} -> ${t}`),
    );
    expect(reaching).toEqual([]);
  });

  it('the guest web page reaches nothing of the extension glue, WXT or the entrypoints, directly or through what it imports', () => {
    const seen = new Set<string>();
    const reaching: string[] = [];
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const spec of importsOf(file)) {
        const to = target(file, spec);
        if (/^(lib\/extension|entrypoints)(\/|$)/.test(to) || to === 'wxt' || to.startsWith('wxt/') || to === '#imports') reaching.push(`${file} -> ${to}`);
        if (!spec.startsWith('.')) continue;
        const module = ['', '.ts', '.tsx', '/index.ts'].map((ext) => `${to}${ext}`).find((path) => existsSync(join(root, path)) && statSync(join(root, path)).isFile());
        if (module && /\.tsx?$/.test(module)) walk(module);
      }
    };
    walk('guest/main.tsx');
    expect(seen.has('components/CallApp.tsx')).toBe(true);
    expect(reaching).toEqual([]);
  });

  it('only lib/signaling/peer-transport.ts imports peerjs', () => {
    const importers = everything.filter((file) => importsOf(file).some((spec) => spec === 'peerjs' || spec.startsWith('peerjs/')));
    expect(importers).toEqual(['lib/signaling/peer-transport.ts']);
  });

  it('the signaling server imports nothing of the client', () => {
    const reaching = sources('signaling').flatMap((file) =>
      importsOf(file)
        .map((spec) => target(file, spec))
        .filter((t) => /^(lib|components|entrypoints)\//.test(t))
        .map((t) => `${file} -> ${t}`),
    );
    expect(reaching).toEqual([]);
  });
});
