/**
 * `npm run build:server [-- --outdir=DIR] [--metafile=FILE]`: the signaling server as plain
 * JavaScript that runs with `node DIR/main.mjs` and production packages alone, with the
 * guest web page it serves at /join built into DIR/guest.
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build as esbuild } from 'esbuild';
import { buildGuestPage } from './guest-build';

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.slice(2).findLast((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

const outdir = resolve(option('outdir') ?? '.output/server');
const metafile = option('metafile');

const result = await esbuild({
  entryPoints: ['signaling/main.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'esm',
  // Redis gets its own chunk, so a single node never loads ioredis.
  splitting: true,
  packages: 'external',
  sourcemap: true,
  outExtension: { '.js': '.mjs' },
  chunkNames: 'chunks/[name]-[hash]',
  logLevel: 'warning',
  outdir,
  metafile: metafile !== undefined,
});
if (metafile !== undefined) writeFileSync(metafile, JSON.stringify(result.metafile));

await buildGuestPage(join(outdir, 'guest'));
console.log(`Built the server into ${outdir}: run it with node --enable-source-maps ${join(outdir, 'main.mjs')}`);
