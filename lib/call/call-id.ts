/**
 * Call IDs: what a user shares to be called. They double as the host's PeerJS ID,
 * so anyone who knows one can ring the host; hence 140 random bits, not a counter.
 *
 * Shape: 7 groups of 4 characters from Crockford's base32 (lowercase, no i/l/o/u),
 * e.g. "k3f9-x2ab-…", readable aloud and in chunks, and valid as a PeerJS ID.
 */
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const groupCount = 7;
const groupLength = 4;
export const callIdLength = groupCount * groupLength;
/** The path an invite link opens on the signaling server; the code rides in the fragment. */
export const invitePath = '/join';

export type CallId = string & { readonly __brand: 'CallId' };

function format(compact: string): CallId {
  const groups: string[] = [];
  for (let i = 0; i < compact.length; i += groupLength) groups.push(compact.slice(i, i + groupLength));
  return groups.join('-') as CallId;
}

export function newCallId(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): CallId {
  // One byte per character, masked to 5 bits: 32 divides 256, so every symbol is equally likely.
  const bytes = random(new Uint8Array(callIdLength));
  let compact = '';
  for (const byte of bytes) compact += alphabet[byte & 31];
  return format(compact);
}

/** Accepts what people paste: any case, spaces or dashes anywhere, and the look-alikes I/L/O. */
export function parseCallId(text: string): CallId | null {
  if (text.length > 200) return null;
  const compact = text
    .toLowerCase()
    .replace(/[\s-]/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
  if (compact.length !== callIdLength) return null;
  for (const ch of compact) if (!alphabet.includes(ch)) return null;
  return format(compact);
}

export type InviteParse =
  | {
      ok: true;
      callId: CallId;
      /**
       * Where the invite link points: its origin and any path before /join (a server behind
       * a path prefix), without a trailing slash; null for a bare ID.
       */
      server: string | null;
    }
  | { ok: false; reason: 'empty' | 'malformed' };

/**
 * Reads a call ID from whatever the user pasted: the bare code, an invite link
 * (https://server/join#code), or the invite message that contains such a link.
 */
export function parseInvite(input: string): InviteParse {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'empty' };
  // Punctuation stuck to the end of a pasted link ("…#abcd." or "(…#abcd)") is never part of an ID.
  const link = /\bhttps?:\/\/\S+/i.exec(text)?.[0]?.replace(/[.,;:!?)\]}>'"]+$/, '');
  const parts = link ? linkParts(link) : { candidate: text, server: null };
  const callId = parts === null ? null : parseCallId(parts.candidate);
  return callId && parts ? { ok: true, callId, server: parts.server } : { ok: false, reason: 'malformed' };
}

function linkParts(link: string): { candidate: string; server: string } | null {
  try {
    const url = new URL(link);
    if (!url.pathname.endsWith(invitePath) || url.hash.length <= 1 || url.username || url.password) return null;
    return { candidate: decodeURIComponent(url.hash.slice(1)), server: `${url.origin}${url.pathname.slice(0, -invitePath.length)}` };
  } catch {
    return null;
  }
}

/** The fragment keeps the code out of server logs and Referer headers. */
export function inviteLink(signalingOrigin: string, callId: CallId): string {
  return `${signalingOrigin}${invitePath}#${callId}`;
}
