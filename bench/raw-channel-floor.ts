/**
 * The fair floor for files: the same people, in the same call with its video running, and
 * a raw ordered RTCDataChannel from the sender to each receiver over a second
 * RTCPeerConnection between the same pages. No PeerJS, no file read, no hash, no storage:
 * what the link and the browsers can do while they also carry the call.
 */
import type { Page } from 'playwright-core';

export interface RawChannelPlan {
  readonly bytes: number;
  readonly chunkBytes: number;
  readonly highWaterBytes: number;
  readonly lowWaterBytes: number;
  readonly timeoutMs: number;
}

type FloorWindow = Window & {
  __floorOut?: { pc: RTCPeerConnection; channel: RTCDataChannel }[];
  __floorIn?: { pc: RTCPeerConnection; bytes: number; doneAt: number };
};

/** Opens one raw channel from `sender` to each receiver; the SDP goes through this process. */
async function connect(sender: Page, receivers: readonly Page[]): Promise<void> {
  await sender.evaluate(() => {
    (window as FloorWindow).__floorOut = [];
  });
  for (const [index, receiver] of receivers.entries()) {
    const offer = await sender.evaluate(
      async (index) => {
        const pc = new RTCPeerConnection({ iceServers: [] });
        const channel = pc.createDataChannel('floor', { negotiated: true, id: 0, ordered: true });
        (window as FloorWindow).__floorOut![index] = { pc, channel };
        await pc.setLocalDescription(await pc.createOffer());
        // Gathered in full, so one offer and one answer carry every candidate (a page's CSP forbids sharing a helper by eval).
        if (pc.iceGatheringState !== 'complete') await new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve(null)));
        return pc.localDescription!.sdp;
      },
      index,
    );
    const answer = await receiver.evaluate(
      async (sdp) => {
        const pc = new RTCPeerConnection({ iceServers: [] });
        const channel = pc.createDataChannel('floor', { negotiated: true, id: 0, ordered: true });
        channel.binaryType = 'arraybuffer';
        const state = { pc, bytes: 0, doneAt: 0 };
        (window as FloorWindow).__floorIn = state;
        channel.addEventListener('message', (event: MessageEvent<ArrayBuffer>) => {
          state.bytes += event.data.byteLength;
          state.doneAt = Date.now();
        });
        await pc.setRemoteDescription({ type: 'offer', sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        if (pc.iceGatheringState !== 'complete') await new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve(null)));
        return pc.localDescription!.sdp;
      },
      offer,
    );
    await sender.evaluate(
      async ({ index, sdp }) => {
        const { pc, channel } = (window as FloorWindow).__floorOut![index]!;
        await pc.setRemoteDescription({ type: 'answer', sdp });
        if (channel.readyState !== 'open') await new Promise((resolve) => channel.addEventListener('open', resolve, { once: true }));
      },
      { index, sdp: answer },
    );
  }
}

/**
 * Sends `plan.bytes` to every receiver at once, each channel with the app's chunk size and
 * backpressure, and returns ms from the first send to the last byte at the slowest
 * receiver (Date.now() in the pages: the same machine clock).
 */
export async function rawChannelFloorMs(sender: Page, receivers: readonly Page[], plan: RawChannelPlan): Promise<number> {
  await connect(sender, receivers);
  try {
    const startedAt = await sender.evaluate((p) => {
      const bytes = new Uint8Array(p.chunkBytes);
      crypto.getRandomValues(bytes);
      const startedAt = Date.now();
      for (const { channel } of (window as FloorWindow).__floorOut!) {
        channel.bufferedAmountLowThreshold = p.lowWaterBytes;
        void (async () => {
          for (let sent = 0; sent < p.bytes; sent += p.chunkBytes) {
            if (channel.bufferedAmount >= p.highWaterBytes) await new Promise((resolve) => channel.addEventListener('bufferedamountlow', resolve, { once: true }));
            channel.send(bytes.subarray(0, Math.min(p.chunkBytes, p.bytes - sent)));
          }
        })();
      }
      return startedAt;
    }, plan);
    const ends = await Promise.all(
      receivers.map(async (receiver) => {
        await receiver.waitForFunction((total) => ((window as FloorWindow).__floorIn?.bytes ?? 0) >= total, plan.bytes, {
          timeout: plan.timeoutMs,
          polling: 50,
        });
        return receiver.evaluate(() => (window as FloorWindow).__floorIn!.doneAt);
      }),
    );
    return Math.max(...ends) - startedAt;
  } finally {
    await Promise.all(receivers.map((receiver) => receiver.evaluate(() => (window as FloorWindow).__floorIn?.pc.close()).catch(() => undefined)));
    await sender.evaluate(() => (window as FloorWindow).__floorOut?.forEach(({ pc }) => pc.close())).catch(() => undefined);
  }
}
