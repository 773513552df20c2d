/**
 * Where the token secret lives when nobody set one: a file the server creates once and
 * reads on every start, so a restart or a redeploy keeps every session valid. A random
 * secret per process (what this replaced) ended every call's session about 8 s after a
 * restart; a secret nobody has to set keeps the first run as easy as it was.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from './config.js';

const secretPattern = /^[A-Za-z0-9_-]{43,256}$/;

export function loadOrCreateSecret(path: string): Buffer {
  const existing = readSecret(path);
  if (existing) return existing;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // Only the server's own user may read it; 'wx' fails if another process made it first.
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new ConfigError(`cannot create the token secret file ${path}: ${(error as Error).message}`);
  }
  const made = readSecret(path);
  if (!made) throw new ConfigError(`the token secret file ${path} could not be read back`);
  return made;
}

function readSecret(path: string): Buffer | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ConfigError(`cannot read the token secret file ${path}: ${(error as Error).message}`);
  }
  // Never echo the content: it is the secret, or something someone put in its place.
  if (!secretPattern.test(text)) throw new ConfigError(`${path} does not hold a token secret; delete it to have a new one made`);
  return Buffer.from(text);
}
