import { describe, expect, it } from 'vitest';
import { type HostToWebview, HostToWebview as HostToWebviewSchema, Limits, SessionTranscriptView } from '../../../src/protocol/webview';
import { ChatPresenter } from '../../../src/ui/chatPresenter';
import { KEY_REMOVED_NOTICE } from '../../../src/ui/chat/agentEventDisplay';
import { RESENT_NOTE } from '../../../src/ui/chat/displayModel';
import { clipText } from '../../../src/ui/chat/clipping';
import { conversationViewOf } from '../../../src/ui/chat/conversationView';
import { sessionSummaryViews } from '../../../src/ui/chat/sessionList';
import { footerFromRequests, footerTimeSavedMs } from '../../../src/ui/chat/turnFooter';
import { ChatSession } from '../../../src/agent/chatSession';
import { userMessage, type AssistantMessageItem } from '../../../src/protocol/items';
import type { RequestMetrics } from '../../../src/transport/modelClient';
import { ManualClock } from '../../fakes/manualClock';

function setup(): { presenter: ChatPresenter; clock: ManualClock; posts: HostToWebview[]; postedAt: number[]; invalid: string[] } {
  const clock = new ManualClock();
  const posts: HostToWebview[] = [];
  /** The clock's time of each post (timers run at their due time as the clock moves). */
  const postedAt: number[] = [];
  const invalid: string[] = [];
  const presenter = new ChatPresenter({
    post: (message) => {
      posts.push(message);
      postedAt.push(clock.time);
    },
    clock,
    workspaceName: 'fixture',
    connection: { kind: 'warm', label: 'warm' },
    onInvalidMessage: (type, error) => invalid.push(`${type}: ${error}`),
  });
  return { presenter, clock, posts, postedAt, invalid };
}

function metrics(overrides: Partial<RequestMetrics> = {}): RequestMetrics {
  return {
    lane: undefined,
    transport: 'websocket',
    mode: 'delta',
    responseId: 'resp_1',
    bytesSent: 1_000,
    wireBytesSent: 800,
    bytesReceived: 5_000,
    statelessBytes: 40_000,
    usage: { inputTokens: 10_000, cachedTokens: 9_000, outputTokens: 300, reasoningTokens: 50 },
    timeToFirstEventMs: 90,
    timeToFirstTokenMs: 180,
    totalMs: 1_500,
    recoveries: 0,
    connectMs: undefined,
    connectAvoidedMs: 0,
    warmupAvoidedMs: 0,
    ...overrides,
  };
}

const types = (posts: HostToWebview[]): string[] => posts.map((post) => post.type);

describe('ChatPresenter: coalescing text deltas', () => {
  it('turns 10,000 deltas in one frame into one post, in order, with the exact text', () => {
    const { presenter, clock, posts } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'hi' });
    posts.length = 0;
    let expected = '';
    for (let i = 0; i < 10_000; i++) {
      const text = `w${i} `;
      expected += text;
      presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b1', delta: text });
    }
    expect(posts).toHaveLength(0);
    clock.advance(16);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toEqual({ type: 'deltas', turnId: 't1', items: [{ blockId: 'b1', text: expected, kind: 'markdown' }] });
  });

  it('posts at most once per frame while a stream runs, and flushes the first delta after a pause at once', () => {
    const { presenter, clock, posts, postedAt } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'hi' });
    posts.length = 0;
    postedAt.length = 0;
    for (let ms = 0; ms < 1_000; ms++) {
      presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b1', delta: 'x' });
      clock.advance(1);
    }
    clock.advance(100);
    const postTimes = [...postedAt];
    const gaps = postTimes.slice(1).map((time, index) => time - postTimes[index]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(16);
    expect(posts.length).toBeLessThanOrEqual(Math.ceil(1_000 / 16) + 1);
    const text = posts.flatMap((post) => (post.type === 'deltas' ? post.items.map((item) => item.text) : [])).join('');
    expect(text).toBe('x'.repeat(1_000));

    // After a quiet spell the next delta goes out on the next tick, not a frame later.
    posts.length = 0;
    clock.advance(500);
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b1', delta: 'y' });
    clock.advance(0);
    expect(posts).toHaveLength(1);
  });

  it('keeps interleaved blocks apart and marks the kind only when a block opens', () => {
    const { presenter, clock, posts } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'hi' });
    posts.length = 0;
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'r1', delta: 'think', channel: 'reasoning' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'r1', delta: 'ing', channel: 'reasoning' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b1', delta: 'Hello' });
    clock.advance(16);
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b1', delta: ' world' });
    clock.advance(16);
    expect(posts).toEqual([
      { type: 'deltas', turnId: 't1', items: [{ blockId: 'r1', text: 'thinking', kind: 'reasoning' }, { blockId: 'b1', text: 'Hello', kind: 'markdown' }] },
      { type: 'deltas', turnId: 't1', items: [{ blockId: 'b1', text: ' world' }] },
    ]);
  });
});

describe('ChatPresenter: ordering', () => {
  it('flushes pending text before any other message, so the view sees events in order', () => {
    const { presenter, posts, clock } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'fix it' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b1', delta: 'Reading the file.' });
    presenter.handle({ type: 'toolCallStarted', turnId: 't1', callId: 'c1', name: 'read_file', title: 'Read file', target: 'src/a.ts' });
    clock.advance(5);
    presenter.handle({ type: 'toolCallFinished', turnId: 't1', callId: 'c1', status: 'done', outputSummary: 'contents' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b2', delta: 'Done.' });
    presenter.handle({ type: 'turnFinished', turnId: 't1', status: 'done', requests: [metrics()] });
    expect(types(posts)).toEqual(['turnStarted', 'deltas', 'toolCard', 'toolCard', 'deltas', 'turnFinished', 'sessionTotals']);
    const finishedTool = posts[3] as Extract<HostToWebview, { type: 'toolCard' }>;
    expect(finishedTool.card).toMatchObject({ status: 'done', durationMs: 5, output: 'contents', target: 'src/a.ts' });
    expect(clock.pendingTimers).toBe(0);
  });

  it('a background call: its card runs in the background, shows its live output, and drops it when finished', () => {
    const { presenter, posts } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'test' });
    presenter.handle({ type: 'toolCallStarted', turnId: 't1', callId: 'c1', name: 'run_task', title: 'Run task', target: 'npm: test', background: true });
    presenter.handle({ type: 'toolCallOutput', turnId: 't1', callId: 'c1', tail: 'step 1 ok\n' });
    presenter.handle({ type: 'toolCallFinished', turnId: 't1', callId: 'c1', status: 'done', outputSummary: '12 passed' });
    presenter.handle({ type: 'toolCallOutput', turnId: 't1', callId: 'c1', tail: 'late' });
    const cards = posts.filter((p): p is Extract<HostToWebview, { type: 'toolCard' }> => p.type === 'toolCard').map((p) => p.card);
    expect(cards).toEqual([
      { id: 'c1', name: 'run_task', title: 'Run task', target: 'npm: test', status: 'running', background: true },
      { id: 'c1', name: 'run_task', title: 'Run task', target: 'npm: test', status: 'running', background: true, liveOutput: 'step 1 ok\n' },
      expect.objectContaining({ id: 'c1', status: 'done', background: true, output: '12 passed' }),
    ]);
    expect(cards[2]).not.toHaveProperty('liveOutput');
  });

  it('flushes before a connection change and before deltas of another turn', () => {
    const { presenter, posts } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'a' });
    presenter.handle({ type: 'turnStarted', turnId: 't2', userText: 'b' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b1', delta: 'one' });
    presenter.handle({ type: 'textDelta', turnId: 't2', blockId: 'b2', delta: 'two' });
    presenter.setConnection({ kind: 'reconnecting', label: 'reconnecting (1)' });
    expect(types(posts)).toEqual(['turnStarted', 'turnStarted', 'deltas', 'deltas', 'connection']);
  });

  it('ignores events for turns it never saw instead of inventing them', () => {
    const { presenter, posts, clock } = setup();
    presenter.handle({ type: 'textDelta', turnId: 'ghost', blockId: 'b', delta: 'boo' });
    presenter.handle({ type: 'toolCallStarted', turnId: 'ghost', callId: 'c', name: 'x' });
    clock.advance(50);
    expect(posts).toEqual([]);
  });
});

describe('ChatPresenter: notices', () => {
  it('a notice is an information card in its turn (tone notice, no actions), posted valid and kept in the snapshot', () => {
    const { presenter, posts, invalid } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: `my key is ${'[redacted API key]'}` });
    presenter.handle({ type: 'notice', turnId: 't1', message: KEY_REMOVED_NOTICE });
    expect(invalid).toEqual([]);
    const posted = posts.at(-1);
    expect(posted).toMatchObject({ type: 'error', turnId: 't1', error: { message: KEY_REMOVED_NOTICE, actions: [], tone: 'notice' } });
    expect(HostToWebviewSchema.safeParse(posted).success).toBe(true);
    const turn = presenter.snapshot().session!.turns[0]!;
    expect(turn.items).toEqual([{ kind: 'error', error: { id: expect.any(String), message: KEY_REMOVED_NOTICE, actions: [], tone: 'notice' } }]);
    expect(SessionTranscriptView.safeParse(presenter.transcript()).success).toBe(true);
  });

  it('an error card has no tone (older saved views without one stay errors)', () => {
    const { presenter, posts } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'x' });
    presenter.handle({ type: 'error', turnId: 't1', message: 'failed', actions: ['retry'] });
    const posted = posts.at(-1);
    expect(posted?.type === 'error' && posted.error.tone).toBeUndefined();
  });
});

describe('ChatPresenter: snapshots', () => {
  it('gives a reloaded view everything: turns, pending text, cards, steering, footer and totals', () => {
    const { presenter, posts } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'run the tests', attachments: [{ kind: 'file', path: 'src/a.ts' }] });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'r', delta: 'plan', channel: 'reasoning' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b1', delta: 'I will run ' });
    presenter.handle({ type: 'approvalRequested', turnId: 't1', approvalId: 'a1', approvalKind: 'command', command: 'npm test', parts: ['npm test'], cwd: '.', canAllowAlways: true });
    presenter.handle({ type: 'approvalResolved', turnId: 't1', approvalId: 'a1', outcome: 'allowedOnce' });
    presenter.handle({ type: 'toolCallStarted', turnId: 't1', callId: 'c1', name: 'run_command', target: 'npm test' });
    presenter.handle({ type: 'toolCallFinished', turnId: 't1', callId: 'c1', status: 'failed', outputSummary: '1 failed' });
    presenter.handle({ type: 'editApplied', turnId: 't1', editId: 'e1', path: 'src/a.ts', hunks: [{ header: '@@ -1,2 +1,2 @@', lines: [{ kind: 'remove', text: 'old' }, { kind: 'add', text: 'new' }, { kind: 'context', text: 'same' }] }] });
    presenter.handle({ type: 'editResolved', turnId: 't1', editId: 'e1', state: 'kept' });
    presenter.handle({ type: 'steer', turnId: 't1', steerId: 's1', text: 'only unit tests', status: 'delivered' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b2', delta: 'Fixed ' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b2', delta: 'it.' });
    // The view reloads before the frame flushes: the snapshot carries the pending text, not a later delta.
    posts.length = 0;
    presenter.onReady();
    expect(types(posts)).toEqual(['snapshot']);
    const snapshot = posts[0] as Extract<HostToWebview, { type: 'snapshot' }>;
    expect(HostToWebviewSchema.safeParse(snapshot).success).toBe(true);
    expect(snapshot.workspaceName).toBe('fixture');
    const turn = snapshot.session!.turns[0]!;
    expect(turn.attachments).toEqual([{ kind: 'file', path: 'src/a.ts' }]);
    expect(turn.items.map((item) => item.kind)).toEqual(['reasoning', 'markdown', 'approval', 'tool', 'edit', 'steer', 'markdown']);
    expect(turn.items[1]).toEqual({ kind: 'markdown', id: 'b1', text: 'I will run ' });
    expect(turn.items[2]).toMatchObject({ kind: 'approval', card: { state: 'allowedOnce', command: 'npm test' } });
    expect(turn.items[4]).toMatchObject({ kind: 'edit', card: { state: 'kept', added: 1, removed: 1 } });
    expect(turn.items[6]).toEqual({ kind: 'markdown', id: 'b2', text: 'Fixed it.' });

    presenter.handle({ type: 'turnFinished', turnId: 't1', status: 'done', requests: [metrics(), metrics({ timeToFirstTokenMs: 999, bytesSent: 500 })], totalMs: 4_000 });
    const after = presenter.snapshot();
    expect(after.session!.turns[0]!.status).toBe('done');
    expect(after.session!.turns[0]!.footer).toEqual({
      transport: 'websocket',
      totalMs: 4_000,
      requests: 2,
      inputTokens: 20_000,
      cachedTokens: 18_000,
      outputTokens: 600,
      reasoningTokens: 100,
      bytesSent: 1_500,
      statelessBytes: 80_000,
      recoveries: 0,
      timeToFirstTokenMs: 180,
      connectSavedMs: 0,
      warmupSavedMs: 0,
    });
    expect(after.session!.totals).toEqual({ turns: 1, bytesSent: 1_500, statelessBytes: 80_000, timeSavedMs: 0 });
  });

  it('switching sessions replaces the model and drops pending text of the old one', () => {
    const { presenter, posts, clock } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'old' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'b', delta: 'pending' });
    posts.length = 0;
    presenter.showSession(
      { id: 's2', title: 'Other', turns: [{ id: 'x', userText: 'q', attachments: [], items: [{ kind: 'markdown', id: 'm', text: 'a' }], status: 'done' }], totals: { turns: 1, bytesSent: 1, statelessBytes: 2 } },
      [{ id: 's2', title: 'Other', updatedAt: 1, turns: 1 }],
    );
    clock.advance(50);
    expect(types(posts)).toEqual(['snapshot']);
    const snapshot = posts[0] as Extract<HostToWebview, { type: 'snapshot' }>;
    expect(snapshot.session!.id).toBe('s2');
    expect(snapshot.session!.turns).toHaveLength(1);
    expect(snapshot.sessions).toHaveLength(1);
  });

  it('a turn that ends cancels its pending approvals and running tools', () => {
    const { presenter } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'x' });
    presenter.handle({ type: 'approvalRequested', turnId: 't1', approvalId: 'a', approvalKind: 'task', command: 'build', cwd: '', canAllowAlways: false });
    presenter.handle({ type: 'toolCallStarted', turnId: 't1', callId: 'c', name: 'run_task' });
    presenter.handle({ type: 'turnFinished', turnId: 't1', status: 'cancelled' });
    const items = presenter.snapshot().session!.turns[0]!.items;
    expect(items).toMatchObject([{ card: { state: 'cancelled' } }, { card: { status: 'cancelled' } }]);
  });
});

describe('ChatPresenter: bounds', () => {
  it('clips oversized text so every message stays valid', () => {
    const { presenter, posts, invalid, clock } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 'x'.repeat(500), userText: 'u'.repeat(Limits.userText + 10) });
    const turnId = 'x'.repeat(Limits.id);
    presenter.handle({ type: 'toolCallStarted', turnId, callId: 'c', name: 'n'.repeat(1_000), target: 'p'.repeat(5_000) });
    presenter.handle({ type: 'toolCallFinished', turnId, callId: 'c', status: 'done', outputSummary: 'o'.repeat(Limits.toolOutput * 3) });
    presenter.handle({ type: 'error', turnId, message: 'e'.repeat(100_000), actions: ['retry', 'retry', 'setApiKey'] });
    presenter.handle({ type: 'textDelta', turnId, blockId: 'b', delta: 'z'.repeat(Limits.deltaText + 5) });
    clock.advance(16);
    expect(invalid).toEqual([]);
    for (const post of posts) expect(HostToWebviewSchema.safeParse(post).success).toBe(true);
    const error = posts.find((post) => post.type === 'error') as Extract<HostToWebview, { type: 'error' }>;
    expect(error.error.actions).toEqual(['retry', 'setApiKey']);
    const deltas = posts.filter((post) => post.type === 'deltas');
    expect(deltas).toHaveLength(1);
    expect((deltas[0] as Extract<HostToWebview, { type: 'deltas' }>).items).toHaveLength(2);
  });

  it('clipText keeps the head and the tail', () => {
    const clipped = clipText(`${'a'.repeat(1_000)}END`, 200);
    expect(clipped.length).toBe(200);
    expect(clipped.startsWith('aaa')).toBe(true);
    expect(clipped.endsWith('END')).toBe(true);
    expect(clipText('short', 200)).toBe('short');
  });
});

describe('ChatPresenter: session list and totals', () => {
  it('the session list carries the store’s turn counts, the active session’s live count, and stays in bounds', () => {
    const stored = [
      { id: 'new', title: 'Newest', updatedAt: 3_000.7, turns: 4 },
      { id: 'active', title: 'Active chat', updatedAt: 2_000, turns: 1 },
      { id: 'old', title: '', updatedAt: 1_000 }, // an index entry from before turns were counted
    ];
    const views = sessionSummaryViews(stored, { id: 'active', title: 'ignored: the stored title wins', updatedAt: 2_500, turns: 3 });
    expect(views).toEqual([
      { id: 'new', title: 'Newest', updatedAt: 3_000, turns: 4 },
      { id: 'active', title: 'Active chat', updatedAt: 2_500, turns: 3 },
      { id: 'old', title: 'Untitled', updatedAt: 1_000, turns: 0 },
    ]);
    // A new, unsaved active session comes first.
    expect(sessionSummaryViews(stored, { id: 'fresh', title: '', updatedAt: 4_000, turns: 0 })[0]).toEqual({ id: 'fresh', title: 'New chat', updatedAt: 4_000, turns: 0 });
    const many = Array.from({ length: Limits.sessions + 20 }, (_, i) => ({ id: `s${i}`, title: 't'.repeat(500), updatedAt: i, turns: i }));
    const bounded = sessionSummaryViews(many);
    expect(bounded).toHaveLength(Limits.sessions);
    for (const view of bounded) expect(HostToWebviewSchema.safeParse({ type: 'sessions', sessions: [view] }).success).toBe(true);
  });

  it('the list the presenter sends has the turn counts', () => {
    const { presenter, posts } = setup();
    presenter.setSessions(sessionSummaryViews([{ id: 's1', title: 'One', updatedAt: 1, turns: 7 }]));
    expect(posts.at(-1)).toEqual({ type: 'sessions', sessions: [{ id: 's1', title: 'One', updatedAt: 1, turns: 7 }], activeSessionId: 'session' });
  });

  it('session totals add up bytes sent, stateless bytes and the measured time saved of every turn', () => {
    const { presenter, posts } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'first' });
    // The first request continued the warm-up on the open socket; a recovery resent everything (no saving
    // there), and its connect figure is not counted again within the turn.
    presenter.handle({
      type: 'turnFinished',
      turnId: 't1',
      status: 'done',
      requests: [
        metrics({ mode: 'delta', bytesSent: 1_200, statelessBytes: 30_000, connectMs: 95, connectAvoidedMs: 95, warmupAvoidedMs: 60 }),
        metrics({ mode: 'full', bytesSent: 31_000, statelessBytes: 31_000, recoveries: 1, connectMs: 95, connectAvoidedMs: 95 }),
      ],
      totalMs: 2_000,
    });
    presenter.handle({ type: 'turnStarted', turnId: 't2', userText: 'second' });
    presenter.handle({
      type: 'turnFinished',
      turnId: 't2',
      status: 'done',
      requests: [metrics({ bytesSent: 800, statelessBytes: 33_000, connectMs: 95, connectAvoidedMs: 95 })],
      totalMs: 1_000,
    });
    const footers = posts.filter((post) => post.type === 'turnFinished').map((post) => (post as Extract<HostToWebview, { type: 'turnFinished' }>).footer);
    expect(footers.map((footer) => [footer?.connectSavedMs, footer?.warmupSavedMs])).toEqual([
      [95, 60],
      [95, 0],
    ]);
    const totals = posts.filter((post) => post.type === 'sessionTotals').at(-1) as Extract<HostToWebview, { type: 'sessionTotals' }>;
    expect(totals.totals).toEqual({ turns: 2, bytesSent: 33_000, statelessBytes: 94_000, timeSavedMs: 250 });
    expect(presenter.snapshot().session!.totals).toEqual({ turns: 2, bytesSent: 33_000, statelessBytes: 94_000, timeSavedMs: 250 });
    // A turn without requests (cancelled before sending) changes no totals.
    presenter.handle({ type: 'turnStarted', turnId: 't3', userText: 'third' });
    presenter.handle({ type: 'turnFinished', turnId: 't3', status: 'cancelled', requests: [] });
    expect(presenter.snapshot().session!.totals).toEqual({ turns: 3, bytesSent: 33_000, statelessBytes: 94_000, timeSavedMs: 250 });
    // A turn over HTTP saves no time, whatever its requests claim.
    presenter.handle({ type: 'turnStarted', turnId: 't4', userText: 'fourth' });
    presenter.handle({
      type: 'turnFinished',
      turnId: 't4',
      status: 'done',
      requests: [metrics({ transport: 'http', bytesSent: 2_000, statelessBytes: 2_000, connectAvoidedMs: 95, warmupAvoidedMs: 60 })],
      totalMs: 1_000,
    });
    expect(presenter.snapshot().session!.totals).toEqual({ turns: 4, bytesSent: 35_000, statelessBytes: 96_000, timeSavedMs: 250 });
  });

  it('footerFromRequests shows the service tier the server reported for the turn’s last answer, none when none was reported', () => {
    expect(footerFromRequests([metrics({ serviceTier: 'flex' }), metrics({ serviceTier: 'priority' }), metrics()], 1_000).serviceTier).toBe('priority');
    expect(footerFromRequests([metrics()], 1_000)).not.toHaveProperty('serviceTier');
  });

  it('footerFromRequests counts time saved once per turn, from its first request, and none when any request went over HTTP', () => {
    const onSocket = [metrics({ connectAvoidedMs: 120, warmupAvoidedMs: 45 }), metrics({ connectAvoidedMs: 120 }), metrics({ connectAvoidedMs: 120 })];
    expect(footerFromRequests(onSocket, 3_000)).toMatchObject({ requests: 3, connectSavedMs: 120, warmupSavedMs: 45 });
    expect(footerTimeSavedMs(footerFromRequests(onSocket, 3_000))).toBe(165);
    // The first request opened the socket: nothing was avoided, and later reuse within the turn does not count.
    expect(footerFromRequests([metrics({ connectAvoidedMs: 0 }), metrics({ connectAvoidedMs: 120 })], 1_000)).toMatchObject({ connectSavedMs: 0, warmupSavedMs: 0 });
    expect(footerFromRequests([metrics({ connectAvoidedMs: 120, warmupAvoidedMs: 45 }), metrics({ transport: 'http' })], 1_000)).toMatchObject({
      transport: 'http',
      connectSavedMs: 0,
      warmupSavedMs: 0,
    });
    // Figures the schema would reject never cost the turn its footer.
    const odd = footerFromRequests([metrics({ connectAvoidedMs: Number.NaN, warmupAvoidedMs: -5 })], 1_000);
    expect(odd).toMatchObject({ connectSavedMs: 0, warmupSavedMs: 0 });
    expect(HostToWebviewSchema.safeParse({ type: 'turnFinished', turnId: 't', status: 'done', footer: odd }).success).toBe(true);
  });

  it('time saved is bounded like the other figures, and footers and totals saved before it existed still validate', () => {
    const footer = { transport: 'websocket', totalMs: 1, requests: 1, inputTokens: 1, cachedTokens: 0, outputTokens: 1, bytesSent: 1, statelessBytes: 2 };
    expect(HostToWebviewSchema.safeParse({ type: 'sessionTotals', totals: { turns: 1, bytesSent: 1, statelessBytes: 2 } }).success).toBe(true);
    expect(HostToWebviewSchema.safeParse({ type: 'turnFinished', turnId: 't', status: 'done', footer }).success).toBe(true);
    expect(HostToWebviewSchema.parse({ type: 'sessionTotals', totals: { turns: 1, bytesSent: 1, statelessBytes: 2, timeSavedMs: 420 } })).toEqual({
      type: 'sessionTotals',
      totals: { turns: 1, bytesSent: 1, statelessBytes: 2, timeSavedMs: 420 },
    });
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2e10]) {
      expect(HostToWebviewSchema.safeParse({ type: 'sessionTotals', totals: { turns: 1, bytesSent: 1, statelessBytes: 2, timeSavedMs: bad } }).success).toBe(false);
      expect(HostToWebviewSchema.safeParse({ type: 'turnFinished', turnId: 't', status: 'done', footer: { ...footer, connectSavedMs: bad } }).success).toBe(false);
      expect(HostToWebviewSchema.safeParse({ type: 'turnFinished', turnId: 't', status: 'done', footer: { ...footer, warmupSavedMs: bad } }).success).toBe(false);
    }
  });

  it('a session restored from storage sums the time saved of its saved footers; footers from before count as 0', () => {
    const said = (text: string): AssistantMessageItem => ({ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text }] });
    const items = [userMessage('first'), said('one'), userMessage('second'), said('two')];
    const session = new ChatSession('s1', 'Restored', 0, 0, items, [
      { id: 't1', startedAt: 0, firstItem: 0, userText: 'first', outcome: 'completed' },
      { id: 't2', startedAt: 1, firstItem: 2, userText: 'second', outcome: 'completed' },
    ]);
    const oldFooter = { transport: 'websocket', totalMs: 900, requests: 1, inputTokens: 10, cachedTokens: 0, outputTokens: 5, bytesSent: 100, statelessBytes: 100 };
    // As the workspace state holds it: the older turn's footer and the older totals have no time fields.
    const stored = SessionTranscriptView.safeParse({
      id: 's1',
      title: 'Restored',
      turns: [
        { id: 't1', userText: 'first', attachments: [], items: [], status: 'done', footer: oldFooter },
        { id: 't2', userText: 'second', attachments: [], items: [], status: 'done', footer: { ...oldFooter, bytesSent: 50, connectSavedMs: 90, warmupSavedMs: 40 } },
      ],
      totals: { turns: 2, bytesSent: 150, statelessBytes: 200 },
    });
    expect(stored.success).toBe(true);
    const view = conversationViewOf(session, stored.data);
    expect(view.totals).toEqual({ turns: 2, bytesSent: 150, statelessBytes: 200, timeSavedMs: 130 });
    expect(SessionTranscriptView.safeParse(view).success).toBe(true);
  });
});

describe('ChatPresenter: a stream cut mid-answer and resent', () => {
  it('the fragment is replaced by the resent answer (not shown above it), in the view and the saved model, with one note', () => {
    const { presenter, posts, clock } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'read it' });
    presenter.handle({ type: 'toolCallStarted', turnId: 't1', callId: 'c1', name: 'read_file' });
    presenter.handle({ type: 'toolCallFinished', turnId: 't1', callId: 'c1', status: 'done' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'm1', delta: 'I read the f' });
    clock.advance(20);
    posts.length = 0;
    presenter.handle({ type: 'responseResent', turnId: 't1' });
    expect(posts.map((p) => p.type)).toEqual(['snapshot']);
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'm1', delta: 'I read the file: it exports add().' });
    presenter.handle({ type: 'textDelta', turnId: 't1', blockId: 'm2', delta: 'Done.' });
    presenter.handle({ type: 'turnFinished', turnId: 't1', status: 'done' });
    const turn = presenter.transcript().turns[0]!;
    expect(turn.items.map((i) => i.kind)).toEqual(['tool', 'error', 'markdown', 'markdown']);
    const texts = turn.items.flatMap((i) => (i.kind === 'markdown' ? [i.text] : i.kind === 'error' ? [i.error.message] : []));
    expect(texts).toEqual([RESENT_NOTE, 'I read the file: it exports add().', 'Done.']);
    expect(JSON.stringify(presenter.transcript())).not.toContain('I read the f"');
    expect(SessionTranscriptView.safeParse(presenter.transcript()).success).toBe(true);
  });

  it('a recovery before anything streamed changes nothing and says nothing', () => {
    const { presenter, posts } = setup();
    presenter.handle({ type: 'turnStarted', turnId: 't1', userText: 'hi' });
    posts.length = 0;
    presenter.handle({ type: 'responseResent', turnId: 't1' });
    expect(posts).toEqual([]);
    expect(presenter.transcript().turns[0]!.items).toEqual([]);
  });
});

