// The `default` scenario's behaviour, and the model `npm start` demos with: it answers from what it
// really receives, calling only tools the request offers.
//  - Inline edits, fixes and explanations (a <selection> region in the message): the selected code
//    changed the way the instruction or the diagnostic asks (demoModel/singleShot.ts).
//  - "Run the tests" / "Fix the failing test": the test task, then the failing test, the code it calls,
//    a fix for review and a second run (demoModel/testFlows.ts).
//  - "Fix the problems VS Code reports", or a prompt naming a file (document, rename, make async,
//    explain, or read it and add a review note): read first, then edit what was read (demoModel/fileFlows.ts).
//  - Anything else: a short markdown answer saying what the demo model can do.
import { lastUserText, offeredTools, trailingInput } from './context';
import { delegateFlow, subagentInstructions, wantsSubagents } from './demoModel/delegateFlow';
import { fileFlow, fixProblemsFlow, type FileIntent } from './demoModel/fileFlows';
import { singleShotAnswer } from './demoModel/singleShot';
import { fixTestsFlow, runTestsFlow } from './demoModel/testFlows';
import { outputBlock, say, TurnHistory, call } from './demoModel/turnHistory';
import type { ModelInput, PlannedItem } from './plan';

const FILE_EXTENSIONS =
  'ts|tsx|js|jsx|mjs|cjs|json|md|py|rs|go|java|kt|swift|c|h|cc|cpp|hpp|cs|rb|php|css|scss|html|vue|svelte|yml|yaml|toml|txt|sh|sql|xml|ini|cfg|lock';
const PATH_PATTERN = new RegExp(`(?:^|[\\s\`'"(\\[@])((?:[\\w.@-]+/)*[\\w@-][\\w.@-]*\\.(?:${FILE_EXTENSIONS}))(?=$|[\\s\`'"),:;?!\\]]|\\.(?:\\s|$))`, 'i');

export function findPath(text: string): string | null {
  return PATH_PATTERN.exec(text)?.[1] ?? null;
}

/** Every path `text` names, in order, without repeats. */
export function findPaths(text: string): string[] {
  const found: string[] = [];
  let rest = text;
  for (let path = findPath(rest); path !== null; path = findPath(rest)) {
    if (!found.includes(path)) found.push(path);
    rest = rest.slice(rest.indexOf(path) + path.length);
  }
  return found;
}

type Intent =
  | { kind: 'fixTests' }
  | { kind: 'runTests' }
  | { kind: 'fixProblems'; path: string | null }
  | FileIntent
  | { kind: 'list' }
  | { kind: 'diagnostics' }
  | { kind: 'search'; query: string }
  | { kind: 'task'; label: string }
  | { kind: 'chat' };

function intentOf(text: string): Intent {
  const path = findPath(text);
  const mentionsTests = /\btests?\b|\bspecs?\b/i.test(text);
  if (mentionsTests && /\b(fix|repair|make .*pass)\b/i.test(text)) return { kind: 'fixTests' };
  if (mentionsTests && /\b(run|rerun|execute|start)\b|^\s*(the )?tests?\W*$/i.test(text)) return { kind: 'runTests' };
  if (/\bfix\b/i.test(text) && /\b(problems?|errors?|diagnostics?|warnings?|squiggl\w*)\b/i.test(text)) return { kind: 'fixProblems', path };
  if (path) {
    const rename = /\brename\s+[`'"]?([\w$]+)[`'"]?\s+(?:to|as|into)\s+[`'"]?([\w$]+)/i.exec(text);
    if (rename) return { kind: 'rename', path, from: rename[1] ?? '', to: rename[2] ?? '' };
    if (/\b(doc(umentation)?\s*comments?|jsdoc|docstrings?|document)\b/i.test(text)) return { kind: 'docComments', path };
    if (/\basync\b/i.test(text)) return { kind: 'async', path };
    if (/\b(explain|describe|summari[sz]e|walk me through)\b/i.test(text)) return { kind: 'explain', path };
    return { kind: 'reviewNote', path };
  }
  if (/\b(list|files|structure|tree)\b/i.test(text)) return { kind: 'list' };
  if (/\b(diagnostics?|problems|errors?|warnings?)\b/i.test(text)) return { kind: 'diagnostics' };
  const quoted = /["'`]([^"'`]{2,80})["'`]/.exec(text)?.[1];
  if (quoted && /\b(search|find|grep|where)\b/i.test(text)) return { kind: 'search', query: quoted };
  if (/\brun (the )?(build|task)\b/i.test(text)) return { kind: 'task', label: 'build' };
  return { kind: 'chat' };
}

function chatAnswer(text: string): PlannedItem[] {
  const topic = text.trim().split('\n')[0]?.slice(0, 80) ?? '';
  return [
    say(
      `You asked: *${topic}*\n\n` +
        "I am Holdfast's built-in demo model: I follow a script, but I work on your real files. Try:\n\n" +
        '- **Run the tests** — I run the test task (you approve it) and say what fails.\n' +
        '- **Fix the failing test** — I read the test and the code it calls, propose a fix for your review, and run the tests again.\n' +
        '- **Add doc comments to src/cart.js** (or *explain*, *rename a to b in*, *make async* a file you name).\n\n' +
        'In an editor, select code and press Ctrl+Shift+Alt+E for an inline edit, for example:\n\n' +
        '```ts\n/** Greets someone by name. */\nexport function greet(name: string): string {\n  return `Hello, ${name}!`;\n}\n```',
    ),
  ];
}

/** One tool call for the simple intents, then what it returned. */
function simpleToolFlow(intent: Extract<Intent, { kind: 'list' | 'diagnostics' | 'search' | 'task' }>, history: TurnHistory): PlannedItem[] | undefined {
  const role = intent.kind === 'list' ? 'list' : intent.kind === 'diagnostics' ? 'diagnostics' : intent.kind === 'search' ? 'search' : 'task';
  const tool = history.tool(role);
  if (!tool) return undefined;
  const done = history.usesOf(role).filter((u) => u.output !== undefined);
  if (done.length === 0) {
    const args = intent.kind === 'search' ? { query: intent.query } : intent.kind === 'task' ? { label: intent.label } : {};
    return [call(tool, args)];
  }
  return [say(`${done.map((u) => `**${u.name}** returned:\n\n${outputBlock(u.output ?? '')}`).join('\n\n')}\n\nThat is what the tools reported.`)];
}

function agentAnswer(history: TurnHistory): PlannedItem[] {
  // A subagent works on its task's instructions; the main agent may hand work to subagents.
  const task = subagentInstructions(history.prompt);
  if (task === null && wantsSubagents(history.prompt)) {
    const delegated = delegateFlow(history, findPaths(history.prompt));
    if (delegated) return delegated;
  }
  const intent = intentOf(task ?? history.prompt);
  switch (intent.kind) {
    case 'fixTests':
      return fixTestsFlow(history);
    case 'runTests':
      return runTestsFlow(history);
    case 'fixProblems':
      return fixProblemsFlow(history, intent.path);
    case 'list':
    case 'diagnostics':
    case 'search':
    case 'task':
      return simpleToolFlow(intent, history) ?? chatAnswer(history.prompt);
    case 'chat':
      return chatAnswer(history.prompt);
    default:
      return history.tool('read') ? fileFlow(intent, history) : chatAnswer(history.prompt);
  }
}

/** The default model's answer for this context. Call ids are assigned by the caller. */
export function defaultAnswer(input: ModelInput): PlannedItem[] {
  const fresh = trailingInput(input.context);
  const text = lastUserText(fresh);
  if (text !== null) {
    const single = singleShotAnswer(text, input, offeredTools(input.tools));
    if (single) return single;
  }
  const history = new TurnHistory(input);
  if (history.prompt === '' && history.uses.length === 0) return [say('Ready when you are.')];
  return agentAnswer(history);
}
