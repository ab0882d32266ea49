/**
 * Reading the model's reply to an inline edit, while it streams and once it is done. Pure.
 * The preferred reply is a `replace_selection` call whose arguments are `{"code": "…"}`; a reply in
 * text with one fenced code block is accepted as well (some models and servers ignore tools).
 */
import { assistantText, type ResponseItem } from '../../protocol/items';
import type { ModelStreamEvent } from '../../transport/modelClient';
import type { StreamFold } from '../singleShot';
import { EDIT_OTHER_FILE_TOOL, REPLACE_SELECTION_TOOL } from './prompt';

/**
 * The value of string field `field` in a JSON object that may still be arriving (`{"code":"func`),
 * decoded as far as it is complete. Undefined until the field's opening quote has arrived.
 */
export function partialJsonStringField(json: string, field: string): string | undefined {
  const keyPattern = new RegExp(`"${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*:\\s*"`);
  const match = keyPattern.exec(json);
  if (!match) return undefined;
  let i = match.index + match[0].length;
  let out = '';
  while (i < json.length) {
    const ch = json[i] as string;
    if (ch === '"') return out;
    if (ch !== '\\') {
      out += ch;
      i++;
      continue;
    }
    const next = json[i + 1];
    if (next === undefined) return out; // an escape cut in half: wait for the rest
    if (next === 'u') {
      const hex = json.slice(i + 2, i + 6);
      if (hex.length < 4) return out;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 6;
      continue;
    }
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', '"': '"', '\\': '\\', '/': '/' };
    out += simple[next] ?? next;
    i += 2;
  }
  return out;
}

/**
 * The content of the first fenced code block of `text`, as far as it has arrived; undefined when no
 * fence has opened yet. A closing fence that is still arriving (a trailing partial "``") is left out.
 */
export function fencedCode(text: string): { code: string; closed: boolean } | undefined {
  const open = /(^|\n)[ \t]*(`{3,}|~{3,})[^\n]*\n/.exec(text);
  if (!open) return undefined;
  const fenceChars = open[2] as string;
  const body = text.slice(open.index + open[0].length);
  const close = new RegExp(`(^|\\n)[ \\t]*${fenceChars[0] === '`' ? '`' : '~'}{${fenceChars.length},}[ \\t]*(\\n|$)`).exec(body);
  if (close) return { code: body.slice(0, close.index), closed: true };
  // Still open: drop a last line that may be the start of the closing fence.
  const lastBreak = body.lastIndexOf('\n');
  const lastLine = body.slice(lastBreak + 1);
  const code = /^[ \t]*[`~]*$/.test(lastLine) && lastLine.length > 0 ? body.slice(0, Math.max(0, lastBreak)) : body;
  return { code, closed: false };
}

export interface OtherFileEdit {
  callId: string;
  path: string;
  oldText: string;
  newText: string;
}

export interface ParsedReply {
  /** The replacement for the region; undefined when the model gave none. */
  code: string | undefined;
  otherFiles: OtherFileEdit[];
  /** What the model said in text (a refusal, a question), for the user. */
  text: string;
}

function parseArguments(args: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(args);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The finished reply: the last replace_selection call wins; a fenced block in text is the fallback. */
export function parseReply(output: readonly ResponseItem[]): ParsedReply {
  let code: string | undefined;
  const otherFiles: OtherFileEdit[] = [];
  const texts: string[] = [];
  for (const item of output) {
    if (item.type === 'function_call') {
      const args = parseArguments(item.arguments);
      if (item.name === REPLACE_SELECTION_TOOL && typeof args?.['code'] === 'string') code = args['code'];
      if (item.name === EDIT_OTHER_FILE_TOOL && args && typeof args['path'] === 'string' && typeof args['new_text'] === 'string') {
        otherFiles.push({
          callId: item.call_id,
          path: args['path'],
          oldText: typeof args['old_text'] === 'string' ? args['old_text'] : '',
          newText: args['new_text'],
        });
      }
    } else if (item.type === 'message' && item.role === 'assistant') {
      texts.push(assistantText(item));
    }
  }
  const text = texts.join('\n').trim();
  if (code === undefined) code = fencedCode(text)?.code;
  return { code, otherFiles, text };
}

/**
 * Follows a streaming reply and says what the proposal looks like so far: the replace_selection
 * arguments as they arrive, or the text's code block when the model answers in text.
 */
export class StreamingReply implements StreamFold<string | undefined> {
  private readonly callNames = new Map<string, string>();
  private readonly args = new Map<string, string>();
  private replaceItemId: string | undefined;
  private text = '';
  private shown: string | undefined;

  /** Takes a stream event; true when the code so far changed. */
  add(event: ModelStreamEvent): boolean {
    if (event.kind === 'toolCallStarted') this.onToolCallStarted(event.itemId, event.name);
    else if (event.kind === 'toolCallArgumentsDelta') this.onArgumentsDelta(event.itemId, event.delta);
    else if (event.kind === 'textDelta') this.onTextDelta(event.delta);
    else return false;
    const code = this.code;
    if (code === undefined || code === this.shown) return false;
    this.shown = code;
    return true;
  }

  /** The code as last reported by `add`. */
  get value(): string | undefined {
    return this.shown;
  }

  onToolCallStarted(itemId: string, name: string): void {
    this.callNames.set(itemId, name);
    if (name === REPLACE_SELECTION_TOOL) this.replaceItemId = itemId;
  }

  onArgumentsDelta(itemId: string, delta: string): void {
    this.args.set(itemId, (this.args.get(itemId) ?? '') + delta);
  }

  onTextDelta(delta: string): void {
    this.text += delta;
  }

  /** The code so far, or undefined when nothing of it has arrived yet. */
  get code(): string | undefined {
    if (this.replaceItemId !== undefined) return partialJsonStringField(this.args.get(this.replaceItemId) ?? '', 'code') ?? '';
    return fencedCode(this.text)?.code;
  }

  get hasOtherFiles(): boolean {
    return [...this.callNames.values()].includes(EDIT_OTHER_FILE_TOOL);
  }
}

/**
 * Fits the model's code to the region it replaces: the same line break style, and no trailing line
 * break when the region (whole lines, without the last break) had none. When the region itself ends
 * with an empty line (`regionEndsEmpty`), a trailing break in the code stands for that line and stays.
 */
export function normaliseReplacement(code: string, eol: '\n' | '\r\n', regionEndsEmpty = false): string {
  const lines = code.replace(/\r\n/g, '\n').split('\n');
  if (!regionEndsEmpty && lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines.join(eol);
}
