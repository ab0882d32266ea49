/**
 * Turns what the user typed plus the editor context (active file and selection, `@file` mentions,
 * diagnostics when asked) into the turn's user message. Context goes through the same path policy as
 * the tools: a mentioned `.env` is not attached, and the model is told why. Files attached here count
 * as read, so the model may edit them without reading them again.
 */
import { CancellationToken } from '../common/cancellation';
import { errorMessage } from '../common/result';
import { userMessage, type UserMessageItem } from '../protocol/items';
import { boundOutput } from '../tools/boundOutput';
import { redactSecrets } from '../common/redact';
import { EditAttempts, type ToolCallContext, type ToolServices } from '../tools/toolContext';
import { getDiagnostics } from '../tools/impl/getDiagnostics';
import { readFile } from '../tools/impl/readFile';
import type { ChatSession } from './chatSession';

export interface UserInput {
  text: string;
  /** The editor the user is looking at. Only its name and selection are attached, not the whole file. */
  activeFile?: { path: string; selection?: { startLine: number; endLine: number; text: string } };
  /** Paths the user mentioned with `@`. */
  mentions?: readonly string[];
  /** Attach the workspace's current errors and warnings (the user asked for them, e.g. "/fix"). */
  includeDiagnostics?: boolean;
  /** "Think harder" (high) or "faster" (low) for this message only (agent/effort.ts). */
  effort?: 'high' | 'low';
}

const MAX_CONTEXT_BYTES = 96 * 1024;

export async function buildUserMessage(input: UserInput, session: ChatSession, services: ToolServices): Promise<UserMessageItem> {
  const blocks: string[] = [];
  const ctx: ToolCallContext = {
    turnId: 'context',
    callId: 'context',
    token: CancellationToken.None,
    approvals: { request: async () => 'deny' },
    journal: session.journal,
    reads: session.reads,
    editAttempts: new EditAttempts(),
    onEditApplied: () => undefined,
  };
  if (input.activeFile) {
    try {
      const resolved = await services.paths.resolve(input.activeFile.path, 'read');
      const selection = input.activeFile.selection;
      if (selection && selection.text.trim() !== '') {
        blocks.push(`Active file: ${resolved.display}, selected lines ${selection.startLine}-${selection.endLine}:\n\`\`\`\n${selection.text}\n\`\`\``);
      } else {
        blocks.push(`Active file: ${resolved.display}`);
      }
    } catch (error) {
      blocks.push(`Active file: not attached (${errorMessage(error)})`);
    }
  }
  for (const mention of input.mentions ?? []) {
    try {
      const page = await readFile({ path: mention, start_line: null, end_line: null }, ctx, services);
      blocks.push(`@${mention}:\n\`\`\`\n${page.text}\n\`\`\``);
    } catch (error) {
      blocks.push(`@${mention}: not attached. ${errorMessage(error)}`);
    }
  }
  if (input.includeDiagnostics) {
    const problems = await getDiagnostics({ path: null, min_severity: 'warning' }, ctx, services);
    blocks.push(`Current problems:\n${problems.text}`);
  }
  if (blocks.length === 0) return userMessage(input.text);
  const context = boundOutput(redactSecrets(blocks.join('\n\n'), services.knownSecrets()), MAX_CONTEXT_BYTES);
  return userMessage(`${input.text}\n\n<context>\n${context}\n</context>`);
}
