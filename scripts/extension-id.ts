/**
 * The ID Chromium gives an extension it loads unpacked (no "key" in the manifest): the
 * first 128 bits of the SHA-256 of its folder's absolute path, written with the letters
 * a to p for the hex digits 0 to f. Knowing it lets `npm start` open PeerCall's own pages.
 */
import { createHash } from 'node:crypto';

/** `absolutePath` as Chromium sees it: resolved, symbolic links followed (realpathSync). */
export function unpackedExtensionId(absolutePath: string): string {
  const hex = createHash('sha256').update(absolutePath).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode('a'.charCodeAt(0) + Number.parseInt(digit, 16))).join('');
}
