/**
 * The open end of a streaming answer: the text after the last cut, shown until it is cut or finished
 * (streamingMessage.ts renders what comes before). Each frame costs the new text, not the tail:
 *  - inside a top-level code fence, new text is appended to a text node (no parsing at all);
 *  - within the tail budget (renderBudget.ts) the tail is rendered as markdown again each frame;
 *  - beyond it, or while finished blocks wait to be rendered, it is plain text appended to.
 */
import { element } from './dom';
import { type MarkdownEnv, renderMarkdown } from './markdown';
import type { OpenFence } from './markdownBoundaries';
import { PlainTextWriter } from './plainText';
import { fitsMarkdownBudget, TAIL_BUDGET } from './renderBudget';

export interface TailContext {
  /** The fence the text ends inside, if any. */
  fence: OpenFence | undefined;
  /** Set when the tail continues a table (its rows are shown as a table without the header). */
  tableHeader: string | undefined;
  /** Plain text only (finished blocks are still waiting: keep the frame cheap). */
  plainOnly: boolean;
  /** The link references known so far (a copy is used: the tail must not add to them). */
  references: MarkdownEnv['references'];
}

export class StreamingTail {
  readonly element = element('div', { class: 'tail', 'aria-busy': 'true' });
  private start = -1;
  private shown = -1;
  private liveCode: { text: Text; through: number } | undefined;
  private plain: { writer: PlainTextWriter; through: number } | undefined;

  /** Shows `source[start…]`. Cheap when nothing changed since the last call. */
  show(source: string, start: number, context: TailContext): void {
    if (start !== this.start) {
      this.start = start;
      this.shown = -1;
      this.liveCode = this.plain = undefined;
      this.element.replaceChildren();
    }
    if (source.length === this.shown) return;
    this.shown = source.length;
    const { fence } = context;
    if (fence && fence.topLevel && fence.start === start) return this.showLiveCode(source, fence);
    this.liveCode = undefined;
    const tail = source.slice(start);
    if (context.plainOnly || !fitsMarkdownBudget(tail, TAIL_BUDGET)) return this.showPlain(source, tail);
    this.plain = undefined;
    const preview = { references: { ...context.references } };
    if (context.tableHeader === undefined) {
      this.element.replaceChildren(renderMarkdown(tail, preview));
      return;
    }
    // Rows that continue a table: shown as a table of their own without the header, until committed.
    const fragment = renderMarkdown(context.tableHeader + tail, preview);
    fragment.querySelector('table > thead')?.remove();
    this.element.replaceChildren(fragment);
  }

  private showPlain(source: string, tail: string): void {
    if (this.plain) {
      this.plain.writer.write(source.slice(this.plain.through));
    } else {
      this.element.replaceChildren();
      this.plain = { writer: new PlainTextWriter(this.element), through: 0 };
      this.plain.writer.write(tail);
    }
    this.plain.through = source.length;
  }

  private showLiveCode(source: string, fence: OpenFence): void {
    if (this.liveCode) {
      this.liveCode.text.appendData(source.slice(this.liveCode.through));
      this.liveCode.through = source.length;
      return;
    }
    const text = document.createTextNode(source.slice(fence.contentStart));
    const code = element('code');
    code.append(text);
    const pre = element('pre', { 'data-lang': fence.language });
    pre.append(code);
    const block = element('div', { class: 'code-block streaming' });
    if (fence.language) block.append(element('div', { class: 'code-toolbar' }, fence.language));
    block.append(pre);
    this.element.replaceChildren(block);
    this.liveCode = { text, through: source.length };
  }
}
