/**
 * The guest web page at /join: the lobby and call screen for people who open an invite
 * link in a browser without the extension (built by `npm run build:guest` from the same
 * components and call core as the call tab). The call ID stays in the fragment, which
 * browsers never send, so the server never learns which call a visitor is after.
 *
 * The page is ours alone: a strict CSP (our scripts, our styles, our server), nothing from
 * third parties, no referrer. The server writes its PeerJS path and key into the page, so
 * the page needs no request to learn where to connect.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Router } from 'express';
import { hostShape } from './allowed-origins.js';
import type { SignalingConfig } from './config.js';

export interface GuestPage {
  /** index.html with the server's path and key written in. */
  readonly html: string;
  readonly assetsDir: string;
}

/** Where a built guest page may be: as configured, else beside a built server, else where `npm run build:guest` puts it (PEERCALL_OUT_DIR as for the extension). */
export function guestPageCandidates(configured: string | null, here = dirname(fileURLToPath(import.meta.url))): string[] {
  return configured !== null ? [resolve(configured)] : [join(here, 'guest'), resolve(process.env.PEERCALL_OUT_DIR ?? '.output', 'guest')];
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The built page, or null when none is there (the server then serves the instructions page). */
export function loadGuestPage(config: Pick<SignalingConfig, 'guestDir' | 'path' | 'key'>, candidates = guestPageCandidates(config.guestDir)): GuestPage | null {
  const dir = candidates.find((candidate) => existsSync(join(candidate, 'index.html')));
  if (dir === undefined) return null;
  const template = readFileSync(join(dir, 'index.html'), 'utf8');
  const html = template
    .replace('<meta name="peercall-path" content="" />', `<meta name="peercall-path" content="${escapeAttribute(config.path)}" />`)
    .replace('<meta name="peercall-key" content="" />', `<meta name="peercall-key" content="${escapeAttribute(config.key)}" />`);
  return { html, assetsDir: join(dir, 'assets') };
}

/**
 * The page's policy. WebSockets to our own host are named apart from 'self' for browsers
 * that do not count ws: as same-origin; 'wasm-unsafe-eval' lets the bundled file hash run.
 */
export function guestPagePolicy(host: string | undefined): string {
  const sockets = host !== undefined && hostShape.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    `connect-src 'self'${sockets}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const pageHeaders = {
  'Content-Type': 'text/html; charset=utf-8',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(self), microphone=(self), display-capture=(self), geolocation=()',
  // A new build must reach visitors at once; its assets carry their hash in their names.
  'Cache-Control': 'no-cache',
};

export function guestPageRoutes(page: GuestPage): Router {
  const router = express.Router({ caseSensitive: true, strict: true });
  const answerPage: RequestHandler = (req, res) => {
    res.set({ ...pageHeaders, 'Content-Security-Policy': guestPagePolicy(req.headers.host) }).send(page.html);
  };
  router.get('/join', answerPage);
  router.use(
    '/join/assets',
    express.static(page.assetsDir, {
      index: false,
      dotfiles: 'deny',
      fallthrough: false,
      immutable: true,
      maxAge: '365d',
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );
  return router;
}
