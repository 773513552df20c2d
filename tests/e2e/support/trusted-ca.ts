/**
 * A HOME for one browser whose certificate store trusts one more CA to identify web sites,
 * as a person who imported it in Chromium's settings would have it: Chromium on Linux reads
 * certificates its user trusts from the NSS database in ~/.pki/nssdb. certutil is Debian's
 * libnss3-tools. Nothing outside the folder, the machine's trust store included, changes.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TrustingHome {
  readonly path: string;
  remove(): void;
}

export function homeTrusting(caCertificate: string, nickname: string): TrustingHome {
  const path = mkdtempSync(join(tmpdir(), 'peercall-home-'));
  const database = `sql:${join(path, '.pki', 'nssdb')}`;
  mkdirSync(join(path, '.pki', 'nssdb'), { recursive: true });
  const certutil = (args: string[]) => execFileSync('certutil', ['-d', database, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  certutil(['-N', '--empty-password']);
  // "C,,": a CA trusted to issue server certificates, and for nothing else.
  certutil(['-A', '-t', 'C,,', '-n', nickname, '-i', caCertificate]);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
