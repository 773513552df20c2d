/**
 * The people asking to join, as the members of a room that asks see them: one card each,
 * from the server's join request until anyone answers it, the newcomer gives up, or it
 * times out. Pure, so the session keeps the list in a signal and tests need no server.
 */
import { t } from '../i18n/i18n';

export interface JoinRequest {
  /** The server's handle for this request; an Admit or Deny names it. */
  readonly request: string;
  /** As the newcomer gave it (checked by the room validator); '' when they gave none. */
  readonly name: string;
}

/**
 * The server keeps at most 8 waiting per room; twice that is no room's. Past it, later
 * requests are not shown, so a flood cannot push the first ones out of sight.
 */
export const maxJoinRequests = 16;

export type JoinRequestChange =
  | { readonly type: 'asked'; readonly request: string; readonly name: string }
  /** Answered (by anyone, us included), withdrawn, or expired. */
  | { readonly type: 'ended'; readonly request: string }
  /**
   * We are in the room, first or again after a drop: the server sends every request still
   * waiting right after, so any card from before may already be answered.
   */
  | { readonly type: 'entered' };

export function nextJoinRequests(requests: readonly JoinRequest[], change: JoinRequestChange): readonly JoinRequest[] {
  switch (change.type) {
    case 'asked':
      if (requests.length >= maxJoinRequests || requests.some((r) => r.request === change.request)) return requests;
      return [...requests, { request: change.request, name: change.name }];
    case 'ended':
      return requests.some((r) => r.request === change.request) ? requests.filter((r) => r.request !== change.request) : requests;
    case 'entered':
      return requests.length === 0 ? requests : [];
  }
}

/** The name on a request's card: "Someone" for a newcomer who gave none. */
export function requestName(request: JoinRequest): string {
  return request.name === '' ? t('common.someone') : request.name;
}
