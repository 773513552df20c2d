import { useEffect, useMemo, useState } from 'preact/hooks';
import { type CallId, inviteLink } from '../lib/call/call-id';
import { type ChatEntry, unreadChatCount } from '../lib/call/chat-log';
import { endMessage } from '../lib/call/call-state';
import type { CallSession } from '../lib/call/call-session';
import { presenterOf } from '../lib/call/stage-mode';
import { t } from '../lib/i18n/i18n';
import { describeSignaling } from '../lib/signaling/signaling-status';
import { ChatPanel } from './ChatPanel';
import { Controls } from './Controls';
import { DoorPanel } from './DoorPanel';
import { FilePanel } from './FilePanel';
import { LayoutGrid, Presentation } from 'lucide-preact';
import { IconButton } from './IconButton';
import { InviteButton } from './InviteButton';
import { JoinRequestList } from './JoinRequestList';
import { Lobby } from './Lobby';
import { RemoteAudio } from './RemoteAudio';
import { PanelToggles, type SidePanelName } from './PanelToggles';
import { RecordingIndicator } from './RecordingIndicator';
import { RecordingList } from './RecordingList';
import { Roster } from './Roster';
import { Stage } from './Stage';
import { gesturesFor, TileGestures } from './TileGestures';
import { VideoTile } from './VideoTile';

export interface CallAppProps {
  session: CallSession;
  /** Where invite links point: the signaling server's origin. */
  inviteOrigin: string;
  onCopy(text: string): Promise<boolean>;
  onNewCall(): void;
  /** The lobby's choices; the entrypoint remembers the name. */
  onEnter(choices: { name: string; micMuted: boolean; cameraOff: boolean }): void;
}

export function CallApp({ session, inviteOrigin, onCopy, onNewCall, onEnter }: CallAppProps) {
  const state = session.state.value;
  const notice = session.notice.value;
  const participants = session.participants.value;
  const { camera, microphone, cameraOff, micMuted, screen } = session.media;
  const signaling = session.signaling.value;
  // Countdowns and "for how long" lines move once a second while anything is down.
  const now = useSecondTicker(signaling.kind !== 'online' || participants.some((p) => p.presence.phase === 'reconnecting'));
  // While sharing, our own tile shows what the others see: the screen.
  const shownTrack = screen.value ?? camera.value;
  const localStream = useMemo(() => (shownTrack ? new MediaStream([shownTrack]) : null), [shownTrack]);
  const over = endMessage(state);
  const policy = session.policy.value;
  const joinRequests = session.joinRequests.value;
  const answer = (request: string, verdict: 'admit' | 'deny') => session.answerJoinRequest(request, verdict);

  const [panel, setPanel] = useState<SidePanelName | null>(null);
  const [pinned, setPinned] = useState<string | null>(null);
  const [speakerView, setSpeakerView] = useState(false);
  // A pinned person who left unpins themselves; speaker view follows whoever speaks.
  const pinnedHere = pinned !== null && participants.some((p) => p.peerId === pinned) ? pinned : null;
  const speaker = speakerView ? (session.activeSpeaker.value ?? participants[0]?.peerId ?? null) : null;
  const presenter = presenterOf(participants);
  const chat = session.chat.value;
  const lastSeen = useLastSeenChat(chat, panel === 'chat');
  const unread = unreadChatCount(chat, lastSeen);
  useToastExpiry(session);
  const inCall = state.kind === 'waiting' || state.kind === 'in-call';
  const floating = session.floatingReactions.value;
  const hands = session.raisedHands.value;

  return (
    <main class={over || state.kind === 'lobby' ? 'call' : 'call in-call'} data-state={state.kind}>
      <header>
        <h1>PeerCall</h1>
        <p data-testid="call-status" data-state={state.kind}>
          {t(`call.state.${state.kind}`)}
        </p>
        <p class="signaling" data-testid="signaling-status" data-status={signaling.kind} role="status">
          {describeSignaling(signaling, now)}
        </p>
        {!over && inCall && <RecordingIndicator you={session.recording.since.value !== null} others={participants} />}
        {!over && inCall && (
          <div class="header-actions">
            {policy !== null && (
              <DoorPanel
                policy={policy}
                host={state.role === 'host'}
                disabled={signaling.kind !== 'online'}
                onAskToJoin={(on) => session.setPolicy(on ? 'ask' : 'open')}
                onLocked={(locked) => session.setLocked(locked)}
              />
            )}
            <InviteButton callId={state.callId} link={inviteLink(inviteOrigin, state.callId)} inviteText={inviteText(inviteOrigin, state.callId)} onCopy={onCopy} />
            {participants.length > 1 && (
              <IconButton label={speakerView ? t('stage.galleryView') : t('stage.speakerView')} action="speaker-view" pressed={speakerView} onClick={() => setSpeakerView(!speakerView)}>
                {speakerView ? <LayoutGrid size={20} aria-hidden="true" /> : <Presentation size={20} aria-hidden="true" />}
              </IconButton>
            )}
            <PanelToggles open={panel} people={participants.length + 1} unread={unread} onToggle={(name) => setPanel(panel === name ? null : name)} />
          </div>
        )}
      </header>

      <div class="toasts" aria-live="polite">
        {notice && !over && (
          <div class={notice.fatal ? 'notice error' : 'notice'} role="alert" data-testid="notice" data-code={notice.code}>
            <p>{notice.message}</p>
            {(notice.code === 'permission-denied' || notice.code === 'device-busy') && (
              <button type="button" data-action="retry-media" onClick={() => void session.retryMedia()}>
                {t('call.retry')}
              </button>
            )}
            <button type="button" class="link" aria-label={t('call.dismiss')} onClick={() => (session.notice.value = null)}>
              {t('call.dismiss')}
            </button>
          </div>
        )}
        {!over && joinRequests.length > 0 && (
          <section class="join-requests" aria-label={t('door.requestsLabel')}>
            <JoinRequestList requests={joinRequests} testId="join-request" onAnswer={answer} />
          </section>
        )}
      </div>

      {over ? (
        <section class="ended" role="alert" data-testid="end-message" data-code={state.kind === 'failed' ? state.error.code : state.kind}>
          <p>{over}</p>
          <button type="button" class="primary" onClick={onNewCall}>
            {t('call.newCall')}
          </button>
          <FilePanel transfers={session.files.transfers} onSend={null} onCancel={(id) => session.files.cancel(id)} />
          <RecordingList saved={session.recording.saved.value} />
        </section>
      ) : state.kind === 'lobby' ? (
        <Lobby session={session} onEnter={onEnter} />
      ) : (
        <>
          {state.kind === 'asking' && (
            <section class="asking" data-testid="asking">
              <p>{t('door.asking')}</p>
              <button type="button" data-action="cancel-join" onClick={() => session.leave()}>
                {t('common.cancel')}
              </button>
            </section>
          )}
          <div class="call-body">
            <Stage
              empty={
                participants.length === 0 ? (
                  <div class="tile empty" data-testid="empty-stage">
                    {state.kind === 'dialing' || state.kind === 'asking' ? t(`call.state.${state.kind}`) : t('common.nobodyElseHere')}
                  </div>
                ) : null
              }
              pinned={pinnedHere}
              presenter={presenter}
              speaker={speaker}
              onPin={setPinned}
              others={participants.map((person, index) => ({
                key: person.peerId,
                name: person.name ?? t('common.person', { n: index + 1 }),
                tile: (
                  <VideoTile
                    testId="remote-video"
                    peerId={person.peerId}
                    name={person.name ?? t('common.person', { n: index + 1 })}
                    micMuted={person.micMuted}
                    speaking={person.speaking}
                    presenting={person.sharingSinceMs !== null}
                    quality={person.quality}
                    stream={person.stream}
                    placeholder={person.stream === null ? t('common.connecting') : person.cameraOff ? t('common.cameraIsOff') : null}
                    reconnectingForS={person.presence.phase === 'reconnecting' ? Math.max(0, Math.floor((now - person.presence.sinceMs) / 1000)) : null}
                    onShownSize={(size) => session.showsPeerAt(person.peerId, size)}
                  >
                    <TileGestures {...gesturesFor(floating, hands, person.peerId)} />
                  </VideoTile>
                ),
              }))}
              self={
                <VideoTile
                  testId="local-video"
                  name={screen.value ? t('call.youSharing') : microphone.value === null ? t('call.youNoMicrophone') : t('common.you')}
                  micMuted={micMuted.value}
                  speaking={session.speaking.value}
                  stream={localStream}
                  placeholder={screen.value ? null : cameraOff.value ? t('common.cameraIsOff') : camera.value ? null : t('common.noCamera')}
                  mirrored={screen.value === null}
                >
                  <TileGestures {...gesturesFor(floating, hands, null)} />
                </VideoTile>
              }
            />
            {/* At the door we are in no call yet: nobody to list, chat with or send files to. */}
            {state.kind !== 'asking' && (
              <aside class="side-panel" hidden={panel === null} data-panel={panel ?? 'none'} aria-label={panel ? t(`panel.${panel}`) : undefined}>
                <div hidden={panel !== 'people'}>
                  <Roster
                    you={{ name: session.name.value, micMuted: micMuted.value, cameraOff: screen.value === null && (cameraOff.value || camera.value === null), speaking: session.speaking.value, presenting: screen.value !== null }}
                    others={participants}
                    raisedHands={hands}
                    asking={joinRequests}
                    onAnswer={answer}
                  />
                </div>
                <div hidden={panel !== 'chat'}>
                  <ChatPanel entries={chat} onSend={(text) => session.sendChat(text)} />
                </div>
                <div hidden={panel !== 'files'}>
                  <FilePanel
                    transfers={session.files.transfers}
                    onSend={(files) => files.forEach((file) => session.sendFile(file))}
                    onCancel={(id) => session.files.cancel(id)}
                  />
                  <RecordingList saved={session.recording.saved.value} />
                </div>
              </aside>
            )}
          </div>
          {participants.map((person) => (
            <RemoteAudio key={person.peerId} stream={person.stream} speakerId={session.media.speakerId.value} />
          ))}
          <Controls session={session} />
        </>
      )}
    </main>
  );
}

function inviteText(origin: string, callId: CallId): string {
  return t('call.invite', { link: inviteLink(origin, callId), callId });
}

/**
 * Re-renders every second while a countdown is on screen. The clock is read at each
 * render, not kept from the last tick: a countdown that starts between ticks must not
 * show the time elapsed since the screen first appeared.
 */
function useSecondTicker(active: boolean): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((tick) => tick + 1), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return Date.now();
}

/** The newest message the person has seen: while the chat is open, every message is seen. */
function useLastSeenChat(entries: readonly ChatEntry[], open: boolean): { id: string; sentAtMs: number } | null {
  const [seen, setSeen] = useState<{ id: string; sentAtMs: number } | null>(null);
  const newest = entries.at(-1);
  useEffect(() => {
    if (open && newest && newest.id !== seen?.id) setSeen({ id: newest.id, sentAtMs: newest.sentAtMs });
  }, [open, newest, seen]);
  return open && newest ? { id: newest.id, sentAtMs: newest.sentAtMs } : seen;
}

/** A notice that needs nothing from the person leaves by itself; one that needs an action, or ends the call, stays. */
const toastMs = 10_000;

function useToastExpiry(session: CallSession): void {
  const notice = session.notice.value;
  useEffect(() => {
    if (!notice || notice.fatal || notice.code === 'permission-denied' || notice.code === 'device-busy') return;
    const timer = setTimeout(() => {
      if (session.notice.value === notice) session.notice.value = null;
    }, toastMs);
    return () => clearTimeout(timer);
  }, [notice, session]);
}
