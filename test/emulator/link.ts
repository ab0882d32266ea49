// The modelled network link between client and server, for benchmarks. Off by default (all zero), so
// tests run at loopback speed. Every delay it adds is reported to the accounting, so a benchmark can
// say how much of a run was modelled network and how much was real work.

export interface LinkOptions {
  /**
   * Round-trip time in ms; each direction is delayed by rttMs/2. Default 0 (off).
   * Typical value for benchmarks: 80 ms. Assumption: a developer in Europe talking to a US-East API
   * region (transatlantic RTTs are 70–90 ms in public ping tables such as WonderNetwork's); US users
   * see 20–70 ms.
   */
  rttMs: number;
  /**
   * Client → server bandwidth in Mbit/s; 0 = unlimited (default).
   * Typical value for benchmarks: 20 Mbit/s. Assumption: a conservative home/office uplink (fixed
   * broadband medians reported by Ookla's Speedtest Global Index are several times higher; Wi-Fi,
   * VPNs and shared offices bring it down).
   */
  upMbps: number;
  /** Server → client bandwidth in Mbit/s; 0 = unlimited (default). Typical for benchmarks: 100 Mbit/s (same source/assumption). */
  downMbps: number;
}

export const NO_LINK: LinkOptions = { rttMs: 0, upMbps: 0, downMbps: 0 };
export const TYPICAL_LINK: LinkOptions = { rttMs: 80, upMbps: 20, downMbps: 100 };

export function resolveLink(partial: Partial<LinkOptions> | undefined): LinkOptions {
  return { ...NO_LINK, ...(partial ?? {}) };
}

export function isLinkActive(link: LinkOptions): boolean {
  return link.rttMs > 0 || link.upMbps > 0 || link.downMbps > 0;
}

/** Round trips paid before the first byte of an HTTP request: TCP handshake, plus TLS 1.3 (1 RTT) when on. */
export function connectRoundTrips(tls: boolean): number {
  return tls ? 2 : 1;
}

export type DelayReporter = (kind: string, ms: number) => void;

/**
 * One direction of the link: frames leave in order, each waits for the previous one to finish
 * transmitting (serialisation at `mbps`), then travels for rtt/2. Delivery order is preserved: delivery
 * times never decrease, and frames are released from one FIFO queue by a single timer. (One
 * setTimeout per frame could reorder them: Node's timers run on libuv's whole-millisecond clock, so a
 * frame scheduled a fraction of a millisecond later with a shorter delay could fire first — e.g. an
 * SSE `data: [DONE]` and the end of the body before `response.completed`.)
 */
export class LinkDirection {
  private busyUntil = 0;
  private lastDelivery = 0;
  private readonly queue: Array<{ at: number; deliver: () => void }> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly oneWayMs: number,
    private readonly mbps: number,
    private readonly kind: 'up' | 'down',
    private readonly report: DelayReporter,
  ) {}

  get active(): boolean {
    return this.oneWayMs > 0 || this.mbps > 0;
  }

  /** Runs `deliver` when `bytes` sent now would arrive on the other side. Synchronous when the link is off. */
  carry(bytes: number, deliver: () => void): void {
    if (!this.active) {
      deliver();
      return;
    }
    const now = performance.now();
    const transmitMs = this.mbps > 0 ? (bytes * 8) / (this.mbps * 1000) : 0;
    // The delay is summed from its non-negative parts rather than taken as `deliveryAt - now`: the
    // subtraction of two large timestamps can come out a hair under one-way time (19.99999999 for 20).
    const queuedMs = Math.max(0, this.busyUntil - now);
    this.busyUntil = now + queuedMs + transmitMs;
    let delayMs = queuedMs + transmitMs + this.oneWayMs;
    if (now + delayMs < this.lastDelivery) delayMs = Math.max(delayMs, this.lastDelivery - now);
    const deliveryAt = Math.max(now + delayMs, this.lastDelivery);
    this.lastDelivery = deliveryAt;
    this.report(`link.${this.kind}`, delayMs);
    this.queue.push({ at: deliveryAt, deliver });
    this.schedule();
  }

  private schedule(): void {
    const head = this.queue[0];
    if (this.timer !== undefined || !head) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.release();
    }, Math.max(0, head.at - performance.now()));
  }

  private release(): void {
    // libuv's clock is whole milliseconds, so a timer may fire up to ~1 ms before `at`: count that as due.
    const due = performance.now() + 1;
    while (this.queue.length > 0 && (this.queue[0]?.at ?? Infinity) <= due) {
      const next = this.queue.shift();
      next?.deliver();
    }
    this.schedule();
  }
}
