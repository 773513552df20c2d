/**
 * Observations of real media in a call tab, through the RTCPeerConnections recorded
 * by the init script and the page's own video elements. Each returns plain numbers.
 */
import type { Page } from 'playwright-core';

type PcWindow = Window & { __pcs: RTCPeerConnection[]; __kept?: Record<string, unknown> };

/** The one live peer connection of the call (closed ones from earlier calls are skipped). */
export async function liveConnectionCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as PcWindow).__pcs.filter((pc) => pc.connectionState !== 'closed').length);
}

/** Camera and microphone tracks this page opened that are still running. */
export async function liveLocalTracks(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks.filter((t) => t.readyState === 'live').length);
}

export interface InboundTotals {
  framesDecoded: number;
  totalAudioEnergy: number;
  audioLevel: number;
}

export async function inboundTotals(page: Page): Promise<InboundTotals> {
  return page.evaluate(async () => {
    const totals = { framesDecoded: 0, totalAudioEnergy: 0, audioLevel: 0 };
    for (const pc of (window as unknown as PcWindow).__pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') totals.framesDecoded += Number(s.framesDecoded ?? 0);
        if (s.kind === 'audio') {
          totals.totalAudioEnergy += Number(s.totalAudioEnergy ?? 0);
          totals.audioLevel = Math.max(totals.audioLevel, Number(s.audioLevel ?? 0));
        }
      });
    }
    return totals;
  });
}

/** How much of something arrived during `ms`: frames decoded and audio energy received. */
export async function inboundDuring(page: Page, ms: number): Promise<{ frames: number; audioEnergy: number }> {
  const before = await inboundTotals(page);
  await page.waitForTimeout(ms);
  const after = await inboundTotals(page);
  return { frames: after.framesDecoded - before.framesDecoded, audioEnergy: after.totalAudioEnergy - before.totalAudioEnergy };
}

/** Frames the remote <video> element presented during `ms`, and its size. */
export async function remoteVideoProgress(page: Page, ms: number): Promise<{ width: number; height: number; frames: number }> {
  return page.evaluate(async (windowMs) => {
    const video = document.querySelector<HTMLVideoElement>('video[data-testid="remote-video"]');
    if (!video) return { width: 0, height: 0, frames: 0 };
    const start = video.getVideoPlaybackQuality().totalVideoFrames;
    await new Promise((r) => setTimeout(r, windowMs));
    return { width: video.videoWidth, height: video.videoHeight, frames: video.getVideoPlaybackQuality().totalVideoFrames - start };
  }, ms);
}

/** Each remote tile's size and frames presented during `ms`, keyed by the tile's peer. */
export async function allRemoteVideosProgress(page: Page, ms: number): Promise<{ peer: string; width: number; frames: number }[]> {
  return page.evaluate(async (windowMs) => {
    const videos = [...document.querySelectorAll<HTMLVideoElement>('video[data-testid="remote-video"]')];
    const start = videos.map((v) => v.getVideoPlaybackQuality().totalVideoFrames);
    await new Promise((r) => setTimeout(r, windowMs));
    return videos.map((v, i) => ({
      peer: v.closest('[data-peer]')?.getAttribute('data-peer') ?? '',
      width: v.videoWidth,
      frames: v.getVideoPlaybackQuality().totalVideoFrames - start[i]!,
    }));
  }, ms);
}

/** Average colour of the picture a video element (remote-video or local-video) currently shows. */
export async function pictureColour(page: Page, testId: 'remote-video' | 'local-video'): Promise<{ r: number; g: number; b: number }> {
  const colour = await videoColour(page, `video[data-testid="${testId}"]`);
  if (!colour) throw new Error(`no video ${testId}`);
  return colour;
}

/**
 * The mean colour of the first video matching `selector`, drawn small on a canvas (what
 * the page decoded, not what was sent); null when there is no such video. A video with
 * no frame yet reads black.
 */
export async function videoColour(page: Page, selector: string): Promise<{ r: number; g: number; b: number } | null> {
  return page.evaluate((css) => {
    const video = document.querySelector<HTMLVideoElement>(css);
    if (!video) return null;
    const canvas = document.createElement('canvas');
    canvas.width = 32;
    canvas.height = 18;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let r = 0, g = 0, b = 0;
    for (let i = 0; i < data.length; i += 4) {
      r += data[i]!;
      g += data[i + 1]!;
      b += data[i + 2]!;
    }
    const n = data.length / 4;
    return { r: r / n, g: g / n, b: b / n };
  }, selector);
}

/** Keeps the live connection's video sender, its track and the connection itself under a name, to compare later. */
export async function keepVideoSender(page: Page, name: string): Promise<void> {
  await page.evaluate((key) => {
    const w = window as unknown as PcWindow;
    const pc = w.__pcs.find((p) => p.connectionState !== 'closed')!;
    const sender = pc.getSenders().find((s) => s.track?.kind === 'video')!;
    w.__kept = { ...w.__kept, [key]: { pc, sender, track: sender.track, senderCount: pc.getSenders().length } };
  }, name);
}

export interface SenderComparison {
  samePeerConnection: boolean;
  sameSender: boolean;
  senderCount: number;
  keptSenderCount: number;
  connectionState: string;
  keptTrackState: string;
  currentTrackLabel: string | null;
  currentTrackState: string | null;
}

export async function compareVideoSender(page: Page, name: string): Promise<SenderComparison> {
  return page.evaluate((key) => {
    const w = window as unknown as PcWindow;
    const kept = w.__kept![key] as { pc: RTCPeerConnection; sender: RTCRtpSender; track: MediaStreamTrack; senderCount: number };
    const pc = w.__pcs.find((p) => p.connectionState !== 'closed');
    const sender = pc?.getSenders().find((s) => s === kept.sender) ?? null;
    return {
      samePeerConnection: pc === kept.pc,
      sameSender: sender === kept.sender,
      senderCount: pc?.getSenders().length ?? 0,
      keptSenderCount: kept.senderCount,
      connectionState: pc?.connectionState ?? 'none',
      keptTrackState: kept.track.readyState,
      currentTrackLabel: kept.sender.track?.label ?? null,
      currentTrackState: kept.sender.track?.readyState ?? null,
    };
  }, name);
}

/** The microphone track the live connection sends: still there while muted, only disabled. */
export async function sentAudioTrack(page: Page): Promise<{ readyState: string; enabled: boolean; label: string } | null> {
  return page.evaluate(() => {
    const pc = (window as unknown as PcWindow).__pcs.find((p) => p.connectionState !== 'closed');
    const track = pc?.getSenders().find((s) => s.track?.kind === 'audio')?.track;
    return track ? { readyState: track.readyState, enabled: track.enabled, label: track.label } : null;
  });
}

/** The cap on each copy of our video: maxBitrate and downscale of every live connection's video sender. */
export async function videoSenderCaps(page: Page): Promise<{ maxBitrate: number | null; scale: number | null }[]> {
  return page.evaluate(() =>
    (window as unknown as PcWindow).__pcs
      .filter((pc) => pc.connectionState !== 'closed')
      .map((pc) => {
        const sender = pc.getSenders().find((s) => s.track?.kind === 'video');
        const encoding = sender?.getParameters().encodings[0];
        return { maxBitrate: encoding?.maxBitrate ?? null, scale: encoding?.scaleResolutionDownBy ?? null };
      }),
  );
}

/** For each live connection, the candidate types of the pair ICE selected (host, srflx, prflx or relay). */
export async function selectedCandidateTypes(page: Page): Promise<{ local: string; remote: string }[]> {
  return page.evaluate(async () => {
    const pairs: { local: string; remote: string }[] = [];
    for (const pc of (window as unknown as PcWindow).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats = [...(await pc.getStats()).values()] as Record<string, unknown>[];
      const transport = stats.find((s) => s.type === 'transport' && typeof s.selectedCandidatePairId === 'string');
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const type = (id: unknown) => String(stats.find((s) => s.id === id)?.candidateType ?? 'none');
      if (pair) pairs.push({ local: type(pair.localCandidateId), remote: type(pair.remoteCandidateId) });
    }
    return pairs;
  });
}

/** The box (CSS pixels times devicePixelRatio) in which this page draws the tile named `name`. */
/**
 * Waits until the stage has laid its tiles out for the size it has now. The stage learns
 * its size from a ResizeObserver and places the tiles in the render after it, so right
 * after the window changes the tiles still sit where the old size put them.
 */
export async function stageLaidOut(page: Page, timeoutMs = 5_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const stage = document.querySelector('.stage');
      if (!stage) return false;
      const r = stage.getBoundingClientRect();
      return stage.getAttribute('data-laid-out-for') === `${Math.round(r.width)}x${Math.round(r.height)}`;
    },
    undefined,
    { timeout: timeoutMs, polling: 'raf' },
  );
}

/** The CSS size of `name`'s tile, once the stage has laid out for the window it has now. */
export async function tileBox(page: Page, name: string): Promise<{ cssWidth: number; cssHeight: number; dpr: number }> {
  // Names travel on the data channel and may come a moment after the picture.
  await page.locator('figure.tile[data-peer] figcaption .name', { hasText: name }).first().waitFor({ timeout: 10_000 });
  await stageLaidOut(page);
  return page.evaluate((who) => {
    const tile = [...document.querySelectorAll('figure.tile[data-peer]')].find((f) => f.querySelector('figcaption .name')?.textContent === who);
    if (!tile) throw new Error(`no tile named ${who}`);
    const box = tile.getBoundingClientRect();
    return { cssWidth: box.width, cssHeight: box.height, dpr: window.devicePixelRatio };
  }, name);
}

/** The size our camera captures at, from the live video sender's track. */
export async function sentVideoSize(page: Page): Promise<{ width: number; height: number }> {
  return page.evaluate(() => {
    const pc = (window as unknown as PcWindow).__pcs.find((p) => p.connectionState !== 'closed');
    const settings = pc?.getSenders().find((s) => s.track?.kind === 'video')?.track?.getSettings();
    return { width: settings?.width ?? 0, height: settings?.height ?? 0 };
  });
}

/** The height of the frames each live connection decodes, from inbound-rtp. */
export async function receivedFrameHeights(page: Page): Promise<number[]> {
  return page.evaluate(async () => {
    const heights: number[] = [];
    for (const pc of (window as unknown as PcWindow).__pcs) {
      if (pc.connectionState === 'closed') continue;
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') heights.push(Number(s.frameHeight ?? 0));
      });
    }
    return heights;
  });
}

/** Video frames decoded so far on every live connection of this page. */
export async function framesDecoded(page: Page): Promise<number> {
  return (await inboundTotals(page)).framesDecoded;
}

/**
 * Waits until this page decodes new video frames again, polling every 100 ms; returns
 * when (Date.now() here) the first new frames were counted.
 */
export async function mediaBackAt(page: Page, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = await framesDecoded(page);
  for (;;) {
    await page.waitForTimeout(100);
    const now = await framesDecoded(page);
    // Two frames or more in 100 ms: video is moving, not one stray frame.
    if (now - last >= 2) return Date.now();
    last = now;
    if (Date.now() > deadline) throw new Error(`no new video frames within ${timeoutMs} ms`);
  }
}

/** Marks every live peer connection of the page, so a later look can tell the same one from a new one. */
export async function markConnections(page: Page, mark: string): Promise<void> {
  await page.evaluate((name) => {
    for (const pc of (window as unknown as PcWindow).__pcs) if (pc.connectionState !== 'closed') (pc as RTCPeerConnection & { __mark?: string }).__mark = name;
  }, mark);
}

/** The marks of the page's live peer connections ("" for one made since). */
export async function liveConnectionMarks(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    (window as unknown as PcWindow).__pcs.filter((pc) => pc.connectionState !== 'closed').map((pc) => (pc as RTCPeerConnection & { __mark?: string }).__mark ?? ''),
  );
}

/**
 * Starts noting, every 100 ms, what the page shows: the signaling status and each remote
 * tile's presence, so a test can ask afterwards what was shown while something happened.
 */
export async function watchShownStates(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __shown?: { at: number; signaling: string; tiles: Record<string, string> }[]; __shownTimer?: ReturnType<typeof setInterval> };
    clearInterval(w.__shownTimer);
    w.__shown = [];
    w.__shownTimer = setInterval(() => {
      const tiles: Record<string, string> = {};
      for (const tile of document.querySelectorAll('figure.tile[data-peer]')) {
        tiles[tile.querySelector('figcaption .name')?.textContent ?? '?'] = tile.getAttribute('data-presence') ?? 'connected';
      }
      const signaling = document.querySelector('[data-testid="signaling-status"]')?.getAttribute('data-status') ?? 'none';
      w.__shown!.push({ at: Date.now(), signaling, tiles });
    }, 100);
  });
}

export async function shownStates(page: Page): Promise<{ at: number; signaling: string; tiles: Record<string, string> }[]> {
  return page.evaluate(() => (window as unknown as { __shown?: { at: number; signaling: string; tiles: Record<string, string> }[] }).__shown ?? []);
}

/**
 * Starts noting when each remote video presents a frame (requestVideoFrameCallback, the
 * page's clock), by the name on its tile, for `frameGaps` to read.
 */
export async function recordFrames(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames?: Record<string, number[]>; __framesTimer?: ReturnType<typeof setInterval> };
    if (w.__framesTimer) return;
    w.__frames = {};
    const watched = new WeakSet<HTMLVideoElement>();
    const watch = () => {
      for (const video of document.querySelectorAll<HTMLVideoElement>('video[data-testid="remote-video"]')) {
        if (watched.has(video)) continue;
        watched.add(video);
        const onFrame = () => {
          const name = video.closest('figure')?.querySelector('figcaption .name')?.textContent ?? '?';
          const times = (w.__frames![name] ??= []);
          times.push(Date.now());
          // Bounded: about ten minutes of frames at 30 per second.
          if (times.length > 20_000) times.splice(0, 10_000);
          video.requestVideoFrameCallback(onFrame);
        };
        video.requestVideoFrameCallback(onFrame);
      }
    };
    watch();
    w.__framesTimer = setInterval(watch, 250);
  });
}

/**
 * From the recorded frames of the tile named `name`: the gaps of at least `minGapMs` with
 * no frame after `sinceMs`, and when the last frame came (Date.now() in the page).
 */
export async function frameGaps(page: Page, name: string, sinceMs: number, minGapMs = 400): Promise<{ gaps: { fromMs: number; toMs: number }[]; lastFrameMs: number | null; frames: number }> {
  const times = await page.evaluate((who) => (window as unknown as { __frames?: Record<string, number[]> }).__frames?.[who] ?? [], name);
  const after = times.filter((at) => at >= sinceMs);
  const gaps: { fromMs: number; toMs: number }[] = [];
  let previous = sinceMs;
  for (const at of after) {
    if (at - previous >= minGapMs) gaps.push({ fromMs: previous, toMs: at });
    previous = at;
  }
  return { gaps, lastFrameMs: after.at(-1) ?? null, frames: after.length };
}

/**
 * Watches `name`'s video from `sinceMs` until at least `windowMs` after it, and returns
 * every stretch of `minGapMs` or more without a frame, the one up to now included: an
 * empty list means the picture kept moving the whole time.
 */
export async function gapsOver(page: Page, name: string, sinceMs: number, windowMs: number, minGapMs = 400): Promise<{ gaps: { fromMs: number; toMs: number }[]; frames: number; windowMs: number }> {
  const wait = sinceMs + windowMs - (await page.evaluate(() => Date.now()));
  if (wait > 0) await page.waitForTimeout(wait);
  const { gaps, lastFrameMs, frames } = await frameGaps(page, name, sinceMs, minGapMs);
  const now = await page.evaluate(() => Date.now());
  const since = lastFrameMs ?? sinceMs;
  if (now - since >= minGapMs) gaps.push({ fromMs: since, toMs: now });
  return { gaps, frames, windowMs: now - sinceMs };
}

/**
 * Waits until the tile named `name` shows moving video after `sinceMs` with no gap in the
 * last `steadyMs`; returns when frames came back: the end of the last gap (or `sinceMs`
 * if there was none).
 */
export async function mediaSteadyAgain(page: Page, name: string, sinceMs: number, timeoutMs: number, steadyMs = 1_000): Promise<{ backAtMs: number; gaps: { fromMs: number; toMs: number }[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { gaps, lastFrameMs, frames } = await frameGaps(page, name, sinceMs);
    const now = await page.evaluate(() => Date.now());
    const backAtMs = gaps.at(-1)?.toMs ?? sinceMs;
    // Steady: frames have kept coming since the last gap for a while, and one came just now.
    if (frames > 0 && lastFrameMs !== null && now - lastFrameMs < 400 && now - backAtMs >= steadyMs) return { backAtMs, gaps };
    if (Date.now() > deadline) throw new Error(`the video of ${name} did not come back steadily within ${timeoutMs} ms; gaps ${JSON.stringify(gaps)}, last frame ${lastFrameMs}`);
    await page.waitForTimeout(200);
  }
}

/**
 * The sha-256 fingerprint of our own certificate on each connected peer connection, from the
 * page's own stats (the connected transport, and the certificate stat it names as local).
 * Only our own: libwebrtc may leave the remote one out of the stats (see certificatesInUse).
 */
export async function ownCertificateFingerprints(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const found: string[] = [];
    for (const pc of (window as unknown as PcWindow).__pcs) {
      if (pc.connectionState !== 'connected') continue;
      const stats = await pc.getStats();
      stats.forEach((s: Record<string, unknown>) => {
        if (s.type !== 'transport' || s.dtlsState !== 'connected') return;
        const certificate = stats.get(String(s.localCertificateId)) as Record<string, unknown> | undefined;
        if (certificate?.fingerprintAlgorithm === 'sha-256') found.push(String(certificate.fingerprint));
      });
    }
    return found;
  });
}

export interface PlayedBack {
  /** The first four bytes, in hex: 1a45dfa3 opens every WebM (EBML) file. */
  magic: string;
  bytes: number;
  width: number;
  height: number;
  /** Frames the player presented (requestVideoFrameCallback) and decoded (getVideoPlaybackQuality). */
  framesPresented: number;
  framesDecoded: number;
  /** The loudest short window of the sound, as RMS of samples in -1..1. */
  peakRms: number;
  playedMs: number;
}

/**
 * Fetches a blob: URL in the page and plays it there, start to end, in a <video> whose sound
 * goes through an AnalyserNode (not to the speakers): what anyone opening the file would see and hear.
 */
export async function playBack(page: Page, href: string, timeoutMs = 30_000): Promise<PlayedBack> {
  return page.evaluate(
    async ({ href, timeoutMs }) => {
      const blob = await (await fetch(href)).blob();
      const head = new Uint8Array(await blob.slice(0, 4).arrayBuffer());
      const video = document.createElement('video');
      video.src = URL.createObjectURL(blob);
      video.style.cssText = 'position:fixed;right:0;bottom:0;width:160px;height:90px';
      document.body.append(video);
      const audio = new AudioContext();
      await audio.resume();
      const analyser = audio.createAnalyser();
      analyser.fftSize = 2048;
      audio.createMediaElementSource(video).connect(analyser);
      const samples = new Float32Array(analyser.fftSize);
      let peakRms = 0;
      const sampler = setInterval(() => {
        analyser.getFloatTimeDomainData(samples);
        let sum = 0;
        for (const sample of samples) sum += sample * sample;
        peakRms = Math.max(peakRms, Math.sqrt(sum / samples.length));
      }, 20);
      let framesPresented = 0;
      const countFrame = () => {
        framesPresented += 1;
        video.requestVideoFrameCallback(countFrame);
      };
      video.requestVideoFrameCallback(countFrame);
      const startedMs = performance.now();
      await video.play();
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the recording did not play to its end')), timeoutMs);
        video.addEventListener('ended', () => (clearTimeout(timer), resolve()), { once: true });
        video.addEventListener('error', () => (clearTimeout(timer), reject(new Error(`the recording does not play: ${video.error?.message}`))), { once: true });
      });
      clearInterval(sampler);
      const result = {
        magic: Array.from(head, (b) => b.toString(16).padStart(2, '0')).join(''),
        bytes: blob.size,
        width: video.videoWidth,
        height: video.videoHeight,
        framesPresented,
        framesDecoded: video.getVideoPlaybackQuality().totalVideoFrames,
        peakRms,
        playedMs: performance.now() - startedMs,
      };
      video.remove();
      URL.revokeObjectURL(video.src);
      await audio.close();
      return result;
    },
    { href, timeoutMs },
  );
}
