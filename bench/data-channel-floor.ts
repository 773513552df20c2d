/**
 * The floor for files, run inside an extension page: two RTCPeerConnections in that page,
 * no signaling server, no PeerJS, one ordered data channel. The file is read whole into
 * memory before the clock, so the clock sees the channel alone: from the first send to
 * the receiver holding every byte, in the app's chunk size with the app's backpressure.
 */

export interface FloorPlan {
  /** Selector of the file input the file was picked into. */
  readonly input: string;
  readonly chunkBytes: number;
  /** The sender pauses once this much is queued... */
  readonly highWaterBytes: number;
  /** ...and resumes when the queue drains to this (`bufferedamountlow`). */
  readonly lowWaterBytes: number;
  readonly timeoutMs: number;
}

export async function measureDataChannelFloorMs(plan: FloorPlan): Promise<number> {
  const file = document.querySelector<HTMLInputElement>(plan.input)?.files?.[0];
  if (!file) throw new Error(`No file picked in ${plan.input}`);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const sender = new RTCPeerConnection({ iceServers: [] });
  const receiver = new RTCPeerConnection({ iceServers: [] });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the floor took over ${plan.timeoutMs} ms`)), plan.timeoutMs);
  });
  try {
    // Negotiated on both sides, like the app's file lane: no extra offer, no `datachannel` event.
    const outgoing = sender.createDataChannel('floor', { negotiated: true, id: 0, ordered: true });
    const incoming = receiver.createDataChannel('floor', { negotiated: true, id: 0, ordered: true });
    incoming.binaryType = 'arraybuffer';
    outgoing.bufferedAmountLowThreshold = plan.lowWaterBytes;
    sender.addEventListener('icecandidate', (e) => void (e.candidate && receiver.addIceCandidate(e.candidate)));
    receiver.addEventListener('icecandidate', (e) => void (e.candidate && sender.addIceCandidate(e.candidate)));
    const opened = Promise.all([outgoing, incoming].map((channel) => new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }))));
    await sender.setLocalDescription(await sender.createOffer());
    await receiver.setRemoteDescription(sender.localDescription!);
    await receiver.setLocalDescription(await receiver.createAnswer());
    await sender.setRemoteDescription(receiver.localDescription!);
    await Promise.race([opened, timedOut]);

    let receivedBytes = 0;
    const allReceivedAt = new Promise<number>((resolve) => {
      incoming.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
        receivedBytes += event.data.byteLength;
        if (receivedBytes === bytes.length) resolve(performance.now());
      });
    });
    const startedAt = performance.now();
    for (let start = 0; start < bytes.length; start += plan.chunkBytes) {
      if (outgoing.bufferedAmount >= plan.highWaterBytes) {
        const drained = new Promise((resolve) => outgoing.addEventListener('bufferedamountlow', resolve, { once: true }));
        await Promise.race([drained, timedOut]);
      }
      outgoing.send(bytes.subarray(start, Math.min(start + plan.chunkBytes, bytes.length)));
    }
    return (await Promise.race([allReceivedAt, timedOut])) - startedAt;
  } finally {
    clearTimeout(timer);
    sender.close();
    receiver.close();
  }
}
