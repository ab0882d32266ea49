/**
 * The in-page half of the streaming benchmark, as source text (the root tsconfig has no DOM types and
 * tsx rewrites functions it compiles). It plays the extension host: one `deltas` message per frame slot
 * (16 ms of tokens), posted on a wall-clock schedule whether or not the page keeps up, as a host
 * process would, so a slow renderer builds up a backlog rather than slowing the stream. Meanwhile it
 * records long tasks, animation-frame gaps and when each marker's text first shows on screen.
 */

export interface DriverInput {
  turnId: string;
  blockId: string;
  /** Text of each frame slot, in order. */
  slots: string[];
  frameMs: number;
  /** Marker words and the slot whose post completes each; the last is the end of the answer. */
  markers: Array<{ name: string; slot: number }>;
  /** Give up this long after the last slot was due. */
  giveUpAfterMs: number;
}

export interface DriverResult {
  timedOut: boolean;
  scheduledMs: number;
  /** From the first post to the last post (longer than scheduled when the page starved the timer). */
  sendingMs: number;
  /** Marker name → ms between posting the slot that completed it and the frame that showed it. */
  markerLagMs: Record<string, number>;
  /** Same, measured from when the slot was due (the host's clock), not when the page got to post it. */
  markerLagFromScheduleMs: Record<string, number>;
  longTasksMs: number[];
  frameGapsMs: number[];
}

export const driverSource = String.raw`
window.__runStream = (input) => new Promise((resolve) => {
  const longTasks = [];
  const observer = new PerformanceObserver((list) => { for (const entry of list.getEntries()) longTasks.push(entry.duration); });
  observer.observe({ type: 'longtask' });

  const sentAt = new Array(input.slots.length);
  const start = performance.now() + 50;
  let next = 0;
  const pending = input.markers.slice();
  const markerLagMs = {};
  const markerLagFromScheduleMs = {};
  const frameGapsMs = [];
  let lastFrame;
  let finished = false;
  const scheduledMs = input.slots.length * input.frameMs;

  const post = setInterval(() => {
    const now = performance.now();
    while (next < input.slots.length && start + next * input.frameMs <= now) {
      window.postMessage({ type: 'deltas', turnId: input.turnId, items: [{ blockId: input.blockId, text: input.slots[next] }] }, '*');
      sentAt[next] = performance.now();
      next++;
    }
    if (next >= input.slots.length) clearInterval(post);
  }, 2);

  // The last few blocks of the answer: where new text shows up, cheap to read every frame.
  const tailText = () => {
    const messages = document.querySelectorAll('[data-testid="assistant-message"]');
    const message = messages[messages.length - 1];
    const markdown = message && message.lastElementChild;
    if (!markdown) return '';
    let text = '';
    let node = markdown.lastElementChild;
    for (let i = 0; i < 8 && node; i++, node = node.previousElementSibling) text = node.textContent + text;
    return text;
  };

  const finish = (timedOut) => {
    if (finished) return;
    finished = true;
    clearInterval(post);
    setTimeout(() => {
      observer.disconnect();
      const sent = sentAt.filter((t) => t !== undefined);
      resolve({
        timedOut,
        scheduledMs,
        sendingMs: sent.length ? sent[sent.length - 1] - sent[0] : 0,
        markerLagMs,
        markerLagFromScheduleMs,
        longTasksMs: longTasks,
        frameGapsMs,
      });
    }, 200);
  };

  const frame = (now) => {
    if (finished) return;
    if (lastFrame !== undefined && now >= start) frameGapsMs.push(now - lastFrame);
    lastFrame = now;
    if (pending.length > 0) {
      const text = tailText();
      // A marker is on screen when it is in the tail; later markers imply earlier ones were shown.
      let seenIndex = -1;
      for (let i = 0; i < pending.length; i++) {
        if (sentAt[pending[i].slot] === undefined) break;
        if (text.includes(pending[i].name)) seenIndex = i;
      }
      for (let i = 0; i <= seenIndex; i++) {
        const marker = pending[i];
        markerLagMs[marker.name] = now - sentAt[marker.slot];
        markerLagFromScheduleMs[marker.name] = now - (start + marker.slot * input.frameMs);
      }
      pending.splice(0, seenIndex + 1);
    }
    if (pending.length === 0) return finish(false);
    if (now > start + scheduledMs + input.giveUpAfterMs) return finish(true);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
});
`;
