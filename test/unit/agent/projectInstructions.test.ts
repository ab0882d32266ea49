import { describe, expect, it } from 'vitest';
import { findInstructionFiles, readProjectInstructions, describeIncluded } from '../../../src/agent/projectInstructions';
import type { ResponseItem } from '../../../src/protocol/items';
import { createAgentHarness } from '../../fakes/agentHarness';
import { respond, say } from '../../fakes/fakeModelClient';
import { createToolHarness } from '../../fakes/toolHarness';

const developerTexts = (items: readonly ResponseItem[]): string[] =>
  items.flatMap((item) => (item.type === 'message' && item.role === 'developer' ? item.content.map((c) => ('text' in c ? c.text : '')) : []));

describe('project instruction files: which ones', () => {
  it('takes the root AGENTS.md, .github/copilot-instructions.md and the nearest AGENTS.md up from each file in play', async () => {
    const h = createToolHarness();
    h.workspace
      .write('/ws/AGENTS.md', 'root rule')
      .write('/ws/.github/copilot-instructions.md', 'copilot rule')
      .write('/ws/packages/api/AGENTS.md', 'api rule')
      .write('/ws/packages/api/src/deep/x.ts', '')
      .write('/ws/packages/AGENTS.md', 'packages rule (not nearest for x.ts)')
      .write('/ws/docs/AGENTS.md', 'docs rule (no file in play there)');

    const files = await findInstructionFiles(h.services, ['/ws/packages/api/src/deep/x.ts']);

    expect(files).toEqual(['/ws/AGENTS.md', '/ws/.github/copilot-instructions.md', '/ws/packages/api/AGENTS.md']);
  });

  it('in a multi-root workspace: each folder\'s root file, folder by folder, shown with the folder name', async () => {
    const h = createToolHarness({ folders: ['/repo/api', '/repo/web'] });
    h.workspace.write('/repo/web/AGENTS.md', 'web rule').write('/repo/api/AGENTS.md', 'api rule');

    const snapshot = await readProjectInstructions(h.services, []);

    expect(snapshot.files.map((f) => f.display)).toEqual(['api/AGENTS.md', 'web/AGENTS.md']);
    expect(snapshot.text.indexOf('## api/AGENTS.md\n\napi rule')).toBeLessThan(snapshot.text.indexOf('## web/AGENTS.md\n\nweb rule'));
  });

  it('skips a file the path policy refuses (a symlink out of the workspace)', async () => {
    const h = createToolHarness();
    h.workspace.write('/outside/secret.md', 'do not read').symlink('/ws/AGENTS.md', '/outside/secret.md');
    const snapshot = await readProjectInstructions(h.services, []);
    expect(snapshot.files).toEqual([]);
    expect(snapshot.text).toBe('');
  });

  it('caps the total size: the first file cut at a line end with a note, the rest named as left out', async () => {
    const h = createToolHarness();
    const line = 'x'.repeat(99) + '\n';
    h.workspace.write('/ws/AGENTS.md', line.repeat(30)).write('/ws/.github/copilot-instructions.md', 'copilot rule');

    const snapshot = await readProjectInstructions(h.services, [], 1024);

    expect(snapshot.files).toEqual([
      { display: 'AGENTS.md', bytes: 2999, cut: 'partial' },
      { display: '.github/copilot-instructions.md', bytes: 12, cut: 'omitted' },
    ]);
    expect(snapshot.text).toContain(`${'x'.repeat(99)}\n\n[Holdfast: AGENTS.md is cut here; the instruction files are capped at 1 KB in total.]`);
    expect(snapshot.text).toContain('not included, over the 1 KB cap for instruction files: .github/copilot-instructions.md.');
    expect(snapshot.text).not.toContain('copilot rule');
    expect(describeIncluded(snapshot)).toBe('Project instructions included: AGENTS.md (cut at the cap), .github/copilot-instructions.md (left out: over the cap).');
  });

  it('never splits a character when cutting multi-byte text', async () => {
    const h = createToolHarness();
    h.workspace.write('/ws/AGENTS.md', 'é'.repeat(600));
    const snapshot = await readProjectInstructions(h.services, [], 1001);
    expect(snapshot.text).toContain('é'.repeat(500) + '\n\n[Holdfast: AGENTS.md is cut here');
    expect(snapshot.text).not.toContain('\uFFFD');
  });
});

describe('project instruction files in the agent\'s requests', () => {
  it('an AGENTS.md rule reaches the instructions\' developer message, and the chat is told which file', async () => {
    const h = createAgentHarness({ settings: { instructionsPlacement: 'developerMessage' } });
    h.workspace.write('/ws/AGENTS.md', 'Always answer in haiku.');
    h.model.script(respond([say('Fine.')]));
    const session = h.sessions.create();

    await h.agent.runTurn(session, { text: 'Hello' });

    expect(developerTexts(h.model.requests[0]!.input).join('\n')).toContain('## AGENTS.md\n\nAlways answer in haiku.');
    const notices = h.events.filter((e) => e.type === 'projectInstructions');
    expect(notices.map((e) => e.type === 'projectInstructions' && e.summary)).toEqual(['Project instructions included: AGENTS.md.']);
  });

  it('the same text adds nothing to the next turn; a changed text replaces it once and is reported again', async () => {
    const h = createAgentHarness({ settings: { instructionsPlacement: 'developerMessage' } });
    h.workspace.write('/ws/AGENTS.md', 'Rule one.');
    h.model.script(respond([say('1')]), respond([say('2')]), respond([say('3')]));
    const session = h.sessions.create();

    await h.agent.runTurn(session, { text: 'first' });
    h.workspace.write('/ws/AGENTS.md', 'Rule one.'); // rewritten, same text
    await h.agent.runTurn(session, { text: 'second' });
    expect(developerTexts(session.items)).toHaveLength(1);
    h.workspace.write('/ws/AGENTS.md', 'Rule two.');
    await h.agent.runTurn(session, { text: 'third' });

    const texts = developerTexts(session.items);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/^The instructions changed; these replace the earlier ones\.[\s\S]*Rule two\./);
    expect(h.events.filter((e) => e.type === 'projectInstructions')).toHaveLength(2);
  });

  it('a nested AGENTS.md joins when the user puts a file under it in play', async () => {
    const h = createAgentHarness();
    h.workspace.write('/ws/AGENTS.md', 'Root rule.').write('/ws/api/AGENTS.md', 'Api rule.').write('/ws/api/handler.ts', 'export {};\n');
    h.model.script(respond([say('1')]), respond([say('2')]));
    const session = h.sessions.create();

    await h.agent.runTurn(session, { text: 'first' });
    expect(h.model.requests[0]!.instructions).not.toContain('Api rule.');
    await h.agent.runTurn(session, { text: 'second', activeFile: { path: 'api/handler.ts' } });

    expect(h.model.requests[1]!.instructions).toContain('## AGENTS.md\n\nRoot rule.');
    expect(h.model.requests[1]!.instructions).toContain('## api/AGENTS.md\n\nApi rule.');
  });

  it('without instruction files the instructions are exactly as before and the chat hears nothing', async () => {
    const h = createAgentHarness();
    h.model.script(respond([say('ok')]));
    await h.agent.runTurn(h.sessions.create(), { text: 'hi' });
    expect(h.model.requests[0]!.instructions).not.toContain('# Project instructions');
    expect(h.eventTypes()).not.toContain('projectInstructions');
  });

  it('a preload before any turn puts the root AGENTS.md into the warm-up; it never replaces what a turn read', async () => {
    const h = createAgentHarness({ settings: { instructionsPlacement: 'developerMessage' } });
    h.workspace.write('/ws/AGENTS.md', 'Root rule.').write('/ws/api/AGENTS.md', 'Api rule.').write('/ws/api/x.ts', '');
    await h.agent.projectInstructions.preload();
    expect(developerTexts(h.agent.warmupRequest().input).join('')).toContain('Root rule.');

    h.model.script(respond([say('ok')]));
    await h.agent.runTurn(h.sessions.create(), { text: 'hi', activeFile: { path: 'api/x.ts' } });
    await h.agent.projectInstructions.preload();
    expect(h.agent.projectInstructions.text).toContain('Api rule.');
  });
});
