/**
 * Chat text as segments for rendering: plain text, and http(s) links that are safe to
 * make clickable. Never HTML; a component renders each segment as a text node or <a>.
 */
export type ChatSegment = { kind: 'text'; text: string } | { kind: 'link'; href: string; text: string };

// Only http(s) ever starts a candidate, so javascript:, data: and vbscript: stay text by construction.
const linkCandidate = /\bhttps?:\/\/[^\s<>"'`\p{Cc}\p{Cf}]+/giu;
const closerFor: Record<string, string> = { ')': '(', ']': '[' };

function withoutTrailingPunctuation(candidate: string): string {
  let end = candidate.length;
  for (;;) {
    const last = candidate.charAt(end - 1);
    if (last === '' || !'.,;:!?)]'.includes(last)) return candidate.slice(0, end);
    const opener = closerFor[last];
    // Keep a bracket the link opened itself, as in ".../wiki/Mesh_(network)".
    if (opener !== undefined) {
      const kept = candidate.slice(0, end);
      if (kept.split(opener).length >= kept.split(last).length) return kept;
    }
    end--;
  }
}

function safeHref(candidate: string): string | null {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  // "https://bank.example@evil.example" exists only to mislead the reader.
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null;
  return url.href;
}

/**
 * Splits chat text into plain text and safe links for rendering as text nodes and
 * anchors; it returns data, never markup.
 */
export function linkify(text: string): ChatSegment[] {
  const segments: ChatSegment[] = [];
  let textStart = 0;
  for (const match of text.matchAll(linkCandidate)) {
    const shown = withoutTrailingPunctuation(match[0]);
    const href = safeHref(shown);
    if (href === null) continue;
    if (match.index > textStart) segments.push({ kind: 'text', text: text.slice(textStart, match.index) });
    segments.push({ kind: 'link', href, text: shown });
    textStart = match.index + shown.length;
  }
  if (textStart < text.length) segments.push({ kind: 'text', text: text.slice(textStart) });
  return segments;
}
