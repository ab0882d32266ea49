/**
 * Text shown as it is (a block beyond the render budget, renderBudget.ts): no parsing, every character
 * kept, line breaks as <br>. It is written in paragraphs of at most `PARAGRAPH_CHARS` characters,
 * cut at a space or line break where there is one, because the browser lays a paragraph out whole:
 * text appended to one 100,000-character paragraph would reflow all of it on every frame.
 */
const PARAGRAPH_CHARS = 4_096;
/** How far back from the limit a cut looks for a space. */
const LOOK_BACK = 256;

export class PlainTextWriter {
  private paragraph: HTMLParagraphElement | undefined;
  private written = 0;

  constructor(private readonly parent: Node) {}

  write(text: string): void {
    for (let offset = 0; offset < text.length; ) {
      if (!this.paragraph || this.written >= PARAGRAPH_CHARS) this.startParagraph();
      let end = Math.min(text.length, offset + PARAGRAPH_CHARS - this.written);
      if (end < text.length) {
        const space = Math.max(text.lastIndexOf(' ', end - 1), text.lastIndexOf('\n', end - 1));
        if (space >= offset && space >= end - LOOK_BACK) end = space + 1;
      }
      this.appendLines(text.slice(offset, end));
      this.written += end - offset;
      offset = end;
    }
  }

  private startParagraph(): void {
    this.paragraph = document.createElement('p');
    this.paragraph.className = 'plain-text';
    this.parent.appendChild(this.paragraph);
    this.written = 0;
  }

  private appendLines(text: string): void {
    const lines = text.split('\n');
    for (const [index, line] of lines.entries()) {
      if (index > 0) this.paragraph!.append(document.createElement('br'));
      if (line) this.paragraph!.append(line);
    }
  }
}

/** `text` as plain-text paragraphs (trailing line breaks dropped, as markdown drops them). */
export function renderPlainText(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  new PlainTextWriter(fragment).write(text.replace(/\n+$/, ''));
  return fragment;
}
