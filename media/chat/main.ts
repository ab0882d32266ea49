import '@vscode/codicons/dist/codicon.css';
import './chat.css';
import './conversation.css';
import './markdown.css';
import './cards.css';
import './branches.css';
import type { ApprovalDecision, HostToWebview, WebviewToHost } from '../../src/protocol/webview';
import { validateHostToWebview } from '../../src/protocol/webviewValidate';
import { Announcer } from './announcer';
import { handleCodeAction } from './codeBlocks';
import { Composer } from './composer';
import { ConnectionChip } from './connectionChip';
import { ContextMeter } from './contextMeter';
import { element } from './dom';
import { renderEmptyState } from './emptyState';
import { errorAnnouncement, renderErrorCard } from './errorCard';
import { StickToBottom } from './followScroll';
import { SessionTotals } from './footer';
import { handleLinkActivation } from './links';
import { PinControls } from './pins';
import { SessionList } from './sessions';
import { updateViewState, viewState } from './state';
import { Transcript } from './transcript';
import { BRANCH_COST_NOTE, TurnActions } from './turnActions';
import { vscodeApi } from './vscodeApi';

/**
 * The chat webview. It can be destroyed and rebuilt at any time, so it renders only from what the host
 * sends: `ready` → `snapshot`, then incremental messages. Every inbound message is validated.
 */
const root = document.getElementById('root') as HTMLElement;

function send(message: WebviewToHost): void {
  vscodeApi.postMessage(message);
}

// ── layout ──────────────────────────────────────────────────────────────────────────────────────────
const announcer = new Announcer();
const chip = new ConnectionChip(send);
const sessions = new SessionList(send);
const totals = new SessionTotals();
totals.show(undefined);

const header = element('header', { class: 'header' });
const title = element('span', { class: 'workspace', 'data-testid': 'workspace-name' }, '');
const roundTrip = element('span', { class: 'roundtrip', 'data-testid': 'host-roundtrip', 'aria-hidden': 'true' }, '');
const meter = new ContextMeter(send);
header.append(sessions.toggle, title, totals.element, meter.element, chip.element, sessions.newButton, roundTrip);

const banner = element('div', { class: 'banner', 'data-testid': 'banner' });
const conversation = element('main', { class: 'conversation', 'aria-label': 'Conversation', role: 'log', 'data-testid': 'conversation' });
const empty = renderEmptyState((text) => send({ type: 'sendPrompt', text, attachments: [] }));

// ── scrolling: follow the stream unless the user scrolled up; remember where they were ──────────────
let activeSessionId: string | undefined;
const transcript = new Transcript(announcer, () => scroll.keepUp());
const scroll = new StickToBottom(conversation, transcript.element, (scrollTop, following) => {
  updateViewState({ scrollTop, atBottom: following, sessionId: activeSessionId });
});
const pins = new PinControls(transcript.element, send);
const turnActions = new TurnActions(transcript.element, send);
conversation.append(empty, transcript.element);
const conversationArea = element('div', { class: 'conversation-area' });
conversationArea.append(conversation, scroll.jumpButton);

const composer = new Composer({
  send,
  runningTurnId: () => transcript.runningTurnId,
  showSteer: (turnId, steer) => transcript.steer(turnId, steer),
  pendingCard: () => transcript.pendingCard(),
  pointAtPendingCard: (card) => {
    card.scrollIntoView?.({ block: 'nearest' });
    card.classList.remove('attention');
    void card.offsetWidth; // restart the highlight if it is still showing
    card.classList.add('attention');
    announcer.announce('Holdfast is waiting for your answer on the card above: use its buttons, or Stop.');
  },
});
scroll.jumpButton.addEventListener('click', () => composer.focus());
transcript.resendSteer = (text) => composer.resend(text);
root.append(header, sessions.element, banner, conversationArea, announcer.element, composer.element);

function refreshRunning(): void {
  composer.setRunning(transcript.runningTurnId !== undefined, transcript.pendingCard() !== undefined);
  empty.hidden = transcript.turnCount > 0;
}

// ── clicks and keys inside the conversation (one delegated listener for every card) ────────────────
function activate(target: Element): boolean {
  if (handleCodeAction(target, send)) return true;
  const reviewDiff = target.closest<HTMLButtonElement>('[data-review-diff]');
  if (reviewDiff) {
    // Opens the diff editor; the card keeps its Keep / Discard buttons (it stays the place to answer).
    const card = reviewDiff.closest<HTMLElement>('[data-card-id]');
    if (card?.dataset['cardId']) send({ type: 'openReviewDiff', approvalId: card.dataset['cardId'] });
    return true;
  }
  const approval = target.closest<HTMLButtonElement>('[data-approval]');
  if (approval) {
    const card = approval.closest<HTMLElement>('[data-card-id]');
    const decision = approval.dataset['approval'];
    if (card?.dataset['cardId'] && isDecision(decision)) {
      // One answer per card: the host sends the updated card, which replaces these buttons.
      for (const button of Array.from(card.querySelectorAll('button'))) button.disabled = true;
      send({ type: 'approvalDecision', approvalId: card.dataset['cardId'], decision });
    }
    return true;
  }
  const stopCall = target.closest<HTMLButtonElement>('[data-stop-call]');
  if (stopCall?.dataset['stopCall']) {
    stopCall.disabled = true; // the host's next card for this call replaces the button
    send({ type: 'stopBackgroundCall', callId: stopCall.dataset['stopCall'] });
    return true;
  }
  const edit = target.closest<HTMLButtonElement>('[data-edit]');
  if (edit) {
    const card = edit.closest<HTMLElement>('[data-card-id]');
    const decision = edit.dataset['edit'];
    if (card?.dataset['cardId'] && (decision === 'keep' || decision === 'undo')) {
      for (const button of Array.from(card.querySelectorAll('button'))) button.disabled = true;
      send({ type: 'editDecision', editId: card.dataset['cardId'], decision });
    }
    return true;
  }
  const errorAction = target.closest<HTMLButtonElement>('[data-error-action]');
  if (errorAction) {
    const action = errorAction.dataset['errorAction'];
    const turnId = errorAction.dataset['turnId'];
    if (action === 'retry' && turnId) send({ type: 'retry', turnId });
    else if (action === 'setApiKey' || action === 'switchToHttp' || action === 'testConnection') send({ type: 'runAction', action });
    return true;
  }
  return handleLinkActivation(target, send);
}

for (const area of [conversation, banner]) {
  area.addEventListener('click', (event) => {
    if (!(event.target instanceof Element)) return;
    // Anchors never navigate: their targets live in data attributes and go through the host.
    if (event.target.closest('a')) event.preventDefault();
    activate(event.target);
  });
  area.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || !(event.target instanceof HTMLElement)) return;
    if (event.target.matches('[role="link"]')) {
      event.preventDefault();
      activate(event.target);
    }
  });
}

// ── messages from the host ─────────────────────────────────────────────────────────────────────────
const pingId = Math.floor(performance.now()).toString(36) + '-' + String(Date.now());

function handle(message: HostToWebview): void {
  switch (message.type) {
    case 'snapshot': {
      title.textContent = message.session?.title ? `${message.workspaceName} · ${message.session.title}` : message.workspaceName;
      chip.show(message.connection);
      const previousSession = viewState().sessionId;
      activeSessionId = message.session?.id;
      sessions.show(message.sessions ?? [], activeSessionId);
      totals.show(message.session?.totals);
      banner.replaceChildren();
      transcript.showSession(message.session);
      pins.decorate();
      turnActions.decorate();
      refreshRunning();
      const saved = viewState();
      if (activeSessionId !== undefined && activeSessionId === previousSession && !saved.atBottom) scroll.restore(saved.scrollTop);
      else scroll.follow();
      updateViewState({ sessionId: activeSessionId });
      root.dataset['ready'] = 'true';
      return;
    }
    case 'connection':
      chip.show(message.connection);
      return;
    case 'pong':
      if (message.id === pingId) roundTrip.textContent = 'ok';
      return;
    case 'sessions':
      sessions.show(message.sessions, message.activeSessionId ?? activeSessionId);
      return;
    case 'turnStarted':
      banner.replaceChildren();
      transcript.turnStarted(message.turn);
      scroll.follow();
      refreshRunning();
      return;
    case 'deltas':
      transcript.deltas(message);
      return;
    case 'toolCard':
      transcript.toolCard(message);
      return;
    case 'approval':
      transcript.approval(message);
      refreshRunning();
      return;
    case 'editCard':
      transcript.editCard(message);
      return;
    case 'steerStatus':
      transcript.steer(message.turnId, message.steer);
      // The server refused it: the words come back to the composer (the line says why).
      if (message.steer.status === 'failed') composer.restore(message.steer.text);
      return;
    case 'error':
      if (!transcript.error(message.turnId, message.error)) {
        banner.replaceChildren(renderErrorCard(message.error, undefined));
        announcer.announce(errorAnnouncement(message.error));
      }
      return;
    case 'turnFinished':
      transcript.turnFinished(message.turnId, message.status, message.footer);
      pins.decorate();
      turnActions.decorate();
      refreshRunning();
      return;
    case 'sessionTotals':
      totals.show(message.totals);
      return;
    case 'mentionResults':
      composer.mentionResults(message.requestId, message.candidates);
      return;
    case 'attachmentAdded':
      composer.attach(message.attachment);
      composer.focus();
      return;
    case 'contextMeter':
      meter.show(message.meter);
      return;
    case 'pins':
      pins.show(message.pinned);
      return;
    case 'draft':
      composer.setDraft(message.text);
      banner.replaceChildren(element('p', { class: 'branch-note', role: 'status', 'data-testid': 'branch-note' }, `New branch: the chat continues from here. ${BRANCH_COST_NOTE}`));
      return;
    case 'prefillNote':
      composer.showPrefillNote(message.text);
      return;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = validateHostToWebview(event.data);
  if (!parsed.ok) {
    console.warn(`Holdfast: dropped an invalid message from the host: ${parsed.error}`);
    return;
  }
  handle(parsed.message);
});

refreshRunning();
send({ type: 'ready' });
send({ type: 'ping', id: pingId });

const DECISIONS: ReadonlySet<string> = new Set<ApprovalDecision>(['allowOnce', 'allowAlways', 'deny', 'allowOnceWithNetwork', 'allowOnceUnsandboxed']);

/** A button's `data-approval` as a decision the host accepts (it checks the card offered it, too). */
function isDecision(value: string | undefined): value is ApprovalDecision {
  return value !== undefined && DECISIONS.has(value);
}
