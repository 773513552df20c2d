/**
 * Code that runs inside Chromium pages. Every time is taken there, with the page's
 * own clock, so CDP round trips never land inside a measurement. Date.now() is the
 * same machine clock in every page and in Node, so marks compare across profiles.
 */

export interface BenchProbe {
  /** First time each step of a call happened in this page (Date.now()). */
  readonly marks: Record<string, number>;
  /** Arms a watch on the remote picture: marks `greenCrossed` at the first frame past `threshold`. */
  watchGreen(threshold: number, below: boolean): void;
  /** When this remote video presented its first frame (Date.now()), if it has. */
  firstFrameAt(video: HTMLVideoElement): number | undefined;
}

export type ProbeWindow = Window & { __bench: BenchProbe };

/**
 * Set in an extension page's localStorage ("320x240") to make every camera the pages of
 * that profile open capture at that size; removed to go back. Bench runs only.
 */
export const cameraOverrideKey = 'peercall-bench-camera';

/**
 * Init script for every page. Records when the steps of a call happen (media, the
 * signaling socket and its messages, the peer connection) and, with
 * requestVideoFrameCallback, when each remote video presents frames.
 */
export function installProbe(): void {
  const marks: Record<string, number> = {};
  const mark = (name: string, at = Date.now()) => {
    marks[name] ??= at;
  };
  let greenWatch: { threshold: number; below: boolean } | null = null;
  const firstFrames = new WeakMap<HTMLVideoElement, number>();
  const probe: BenchProbe = {
    marks,
    watchGreen: (threshold, below) => {
      delete marks.greenCrossed;
      greenWatch = { threshold, below };
    },
    firstFrameAt: (video) => firstFrames.get(video),
  };
  (window as unknown as ProbeWindow).__bench = probe;
  document.addEventListener('DOMContentLoaded', () => mark('domContentLoaded'));

  const media = navigator.mediaDevices;
  if (media) {
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints) => {
      mark('gumStart');
      // A variant run asks every camera for a smaller picture, to show what the CPU costs.
      const camera = localStorage.getItem('peercall-bench-camera')?.split('x').map(Number);
      const asked =
        camera && constraints?.video
          ? { ...constraints, video: { ...(typeof constraints.video === 'object' ? constraints.video : {}), width: { exact: camera[0]! }, height: { exact: camera[1]! } } }
          : constraints;
      const stream = await getUserMedia(asked);
      mark('gumDone');
      return stream;
    };
  }

  // PeerJS speaks JSON over one WebSocket: OPEN, OFFER, ANSWER, CANDIDATE, HEARTBEAT.
  const messageType = (data: unknown): string | null => {
    if (typeof data !== 'string') return null;
    try {
      const type = (JSON.parse(data) as { type?: unknown }).type;
      return typeof type === 'string' ? type : null;
    } catch {
      return null;
    }
  };
  window.WebSocket = class extends window.WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      mark('wsCreated');
      this.addEventListener('open', () => mark('wsOpen'));
      this.addEventListener('message', (event) => {
        const type = messageType(event.data);
        if (type) mark(`in:${type}`);
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      const type = messageType(data);
      if (type) mark(`out:${type}`);
      super.send(data);
    }
  };

  window.RTCPeerConnection = class extends window.RTCPeerConnection {
    constructor(config?: RTCConfiguration) {
      super(config);
      mark('pcCreated');
      this.addEventListener('track', () => mark('remoteTrack'));
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') mark('pcConnected');
      });
    }
  };

  const canvas = document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 18;
  const meanGreen = (video: HTMLVideoElement): number => {
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let green = 0;
    for (let i = 1; i < data.length; i += 4) green += data[i]!;
    return green / (data.length / 4);
  };
  const watched = new WeakSet<HTMLVideoElement>();
  const watchFrames = (video: HTMLVideoElement) => {
    if (watched.has(video)) return;
    watched.add(video);
    const onFrame = () => {
      const at = Date.now();
      mark('firstFrame', at);
      if (!firstFrames.has(video)) firstFrames.set(video, at);
      const watch = greenWatch;
      if (watch) {
        const green = meanGreen(video);
        if (watch.below ? green < watch.threshold : green > watch.threshold) {
          greenWatch = null;
          mark('greenCrossed', at);
        }
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };

  // The call tab sets the remote stream through `srcObject`; watch from that moment.
  const srcObject = Object.getOwnPropertyDescriptor(HTMLMediaElement.prototype, 'srcObject')!;
  Object.defineProperty(HTMLMediaElement.prototype, 'srcObject', {
    ...srcObject,
    set(this: HTMLMediaElement, value: MediaProvider | null) {
      srcObject.set!.call(this, value);
      if (value && this instanceof HTMLVideoElement && this.dataset.testid === 'remote-video') {
        mark('remoteSrcSet');
        watchFrames(this);
      }
    },
  });
}

/**
 * The floor: two RTCPeerConnections in one page, no signaling server, the app's
 * camera constraints on fake_device_0 plus a microphone. Media is opened before the
 * clock starts; the clock runs from just before createOffer to the first remote frame.
 */
export async function measureFloorMs(timeoutMs: number): Promise<number> {
  const video = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
  let stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  if (!stream.getVideoTracks()[0]?.label.includes('fake_device_0')) {
    for (const track of stream.getTracks()) track.stop();
    // Device labels are only listed once this page holds camera permission, as it now does.
    const cameras = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'videoinput');
    const camera = cameras.find((d) => d.label.includes('fake_device_0'));
    if (!camera) throw new Error(`fake_device_0 not found among ${cameras.map((d) => d.label).join(', ')}`);
    stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { ...video, deviceId: { exact: camera.deviceId } } });
  }
  const sender = new RTCPeerConnection({ iceServers: [] });
  const receiver = new RTCPeerConnection({ iceServers: [] });
  const element = document.createElement('video');
  element.muted = true;
  element.autoplay = true;
  element.playsInline = true;
  document.body.append(element);
  try {
    sender.addEventListener('icecandidate', (e) => void (e.candidate && receiver.addIceCandidate(e.candidate)));
    receiver.addEventListener('icecandidate', (e) => void (e.candidate && sender.addIceCandidate(e.candidate)));
    for (const track of stream.getTracks()) sender.addTrack(track, stream);
    const firstFrameAt = new Promise<number>((resolve, reject) => {
      setTimeout(() => reject(new Error(`no remote frame within ${timeoutMs} ms`)), timeoutMs);
      receiver.addEventListener('track', (event) => {
        if (event.track.kind !== 'video') return;
        element.srcObject = new MediaStream([event.track]);
        element.requestVideoFrameCallback(() => resolve(performance.now()));
      });
    });
    const startedAt = performance.now();
    await sender.setLocalDescription(await sender.createOffer());
    await receiver.setRemoteDescription(sender.localDescription!);
    await receiver.setLocalDescription(await receiver.createAnswer());
    await sender.setRemoteDescription(receiver.localDescription!);
    return (await firstFrameAt) - startedAt;
  } finally {
    sender.close();
    receiver.close();
    for (const track of stream.getTracks()) track.stop();
    element.remove();
  }
}

/**
 * The floor for the k-th joiner: `pairs` RTCPeerConnection pairs in one page, set up all at
 * once as a joiner dials everyone at once, one camera and microphone shared by all. Media
 * is opened before the clock; the clock runs from the first createOffer to the last pair's
 * first remote frame.
 */
export async function measureMeshFloorMs(plan: { pairs: number; timeoutMs: number; camera: [number, number] | null }): Promise<number> {
  const video = plan.camera
    ? { width: { exact: plan.camera[0] }, height: { exact: plan.camera[1] } }
    : { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  const pcs: RTCPeerConnection[] = [];
  const elements: HTMLVideoElement[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no remote frame on every pair within ${plan.timeoutMs} ms`)), plan.timeoutMs);
    });
    const startedAt = performance.now();
    const firstFrames = Array.from({ length: plan.pairs }, async () => {
      const sender = new RTCPeerConnection({ iceServers: [] });
      const receiver = new RTCPeerConnection({ iceServers: [] });
      pcs.push(sender, receiver);
      const element = document.createElement('video');
      element.muted = true;
      element.autoplay = true;
      document.body.append(element);
      elements.push(element);
      sender.addEventListener('icecandidate', (e) => void (e.candidate && receiver.addIceCandidate(e.candidate)));
      receiver.addEventListener('icecandidate', (e) => void (e.candidate && sender.addIceCandidate(e.candidate)));
      for (const track of stream.getTracks()) sender.addTrack(track, stream);
      const firstFrame = new Promise<number>((resolve) => {
        receiver.addEventListener('track', (event) => {
          if (event.track.kind !== 'video') return;
          element.srcObject = new MediaStream([event.track]);
          element.requestVideoFrameCallback(() => resolve(performance.now()));
        });
      });
      await sender.setLocalDescription(await sender.createOffer());
      await receiver.setRemoteDescription(sender.localDescription!);
      await receiver.setLocalDescription(await receiver.createAnswer());
      await sender.setRemoteDescription(receiver.localDescription!);
      return firstFrame;
    });
    const last = Math.max(...(await Promise.race([Promise.all(firstFrames), timedOut])));
    return last - startedAt;
  } finally {
    clearTimeout(timer);
    for (const pc of pcs) pc.close();
    for (const element of elements) element.remove();
    for (const track of stream.getTracks()) track.stop();
  }
}
