/**
 * One peer's work on this node, done in the order it came: attaching to the hub, its
 * room requests and relays, detaching. Work that finishes synchronously (everything
 * in memory) runs at once without a promise or a closure; work that waits (on Redis)
 * holds the lane, and what comes next waits behind it. A socket's frames are bounded
 * in number and bytes while they wait, so a stalled Redis cannot make one client grow
 * the node.
 */

/** Frames one peer may have waiting at once; a burst of ICE candidates is far fewer. */
export const maxFramesInFlight = 64;
/** Bytes of frames one peer may have waiting at once, in frames of the largest size. */
export const maxLargestFramesInFlight = 4;

type Work = () => void | Promise<void>;

export class WorkLane {
  #tail: Promise<void> | null = null;
  #waiting = 0;
  #framesWaiting = 0;
  #bytesWaiting = 0;

  constructor(
    private readonly maxBytesInFlight: number,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Whether nothing is running or waiting. */
  get idle(): boolean {
    return this.#waiting === 0;
  }

  /** Bytes of frames accepted and not yet done; for the in-flight gauge. */
  get bytesWaiting(): number {
    return this.#bytesWaiting;
  }

  /** A client's frame: refused (false) past the bounds. */
  runFrame(work: Work, bytes: number): boolean {
    if (this.#framesWaiting >= maxFramesInFlight || this.#bytesWaiting + bytes > this.maxBytesInFlight) return false;
    this.#run(work, 1, bytes);
    return true;
  }

  /** The server's own work (attach, detach): never refused. */
  runAlways(work: Work): void {
    this.#run(work, 0, 0);
  }

  #run(work: Work, frames: number, bytes: number): void {
    if (this.#tail === null) {
      let result: void | Promise<void>;
      try {
        result = work();
      } catch (error) {
        return this.onError(error);
      }
      if (!(result instanceof Promise)) return;
      this.#begin(frames, bytes);
      this.#tail = result.then(
        () => this.#end(frames, bytes),
        (error: unknown) => this.#failed(error, frames, bytes),
      );
      return;
    }
    this.#begin(frames, bytes);
    this.#tail = this.#tail.then(work).then(
      () => this.#end(frames, bytes),
      (error: unknown) => this.#failed(error, frames, bytes),
    );
  }

  #begin(frames: number, bytes: number): void {
    this.#waiting += 1;
    this.#framesWaiting += frames;
    this.#bytesWaiting += bytes;
  }

  #end(frames: number, bytes: number): void {
    this.#waiting -= 1;
    this.#framesWaiting -= frames;
    this.#bytesWaiting -= bytes;
    if (this.#waiting === 0) this.#tail = null;
  }

  #failed(error: unknown, frames: number, bytes: number): void {
    this.#end(frames, bytes);
    this.onError(error);
  }
}
