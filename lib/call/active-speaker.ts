/**
 * Whom to show when there is room for one picture (picture-in-picture): whoever is
 * speaking, staying on them through pauses until someone else speaks.
 */
export function nextActiveSpeaker(previous: string | null, people: readonly { peerId: string; speaking: boolean }[]): string | null {
  const speaking = people.find((p) => p.speaking && p.peerId === previous) ?? people.find((p) => p.speaking);
  if (speaking) return speaking.peerId;
  if (previous !== null && people.some((p) => p.peerId === previous)) return previous;
  return people[0]?.peerId ?? null;
}
