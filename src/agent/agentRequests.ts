/**
 * How the agent's model requests are shaped: everything but their input (model, instructions, tools,
 * reasoning, lane…), built in this one place for turns, the warm-up, drafts and subagents.
 */
import { developerMessage, type ReasoningEffortLevel, type ResponseItem } from '../protocol/items';
import type { ToolRunner } from '../tools/toolRunner';
import type { ModelRequest } from '../transport/modelClient';
import type { AgentSettings } from './agentSettings';
import { acceptsConfigurationUpdate } from './effort';
import { agentRequestShape } from './instructions';
import type { ProjectInstructionsTracker } from './projectInstructionsTracker';

export class AgentRequests {
  constructor(
    private readonly settings: () => AgentSettings,
    private readonly tools: ToolRunner,
    private readonly projectInstructions: ProjectInstructionsTracker,
  ) {}

  /** Everything of the agent's requests but their input. */
  shape(settings: AgentSettings = this.settings()): Omit<ModelRequest, 'input'> {
    const services = this.tools.services;
    const trusted = services.settings.read().workspaceTrusted;
    const shape = agentRequestShape(settings, {
      trusted,
      folderNames: services.workspace.folders.map((f) => f.name),
      projectInstructions: this.projectInstructions.text,
      tools: this.tools.functionTools(trusted),
    });
    return {
      model: shape.model,
      instructions: shape.instructions,
      tools: shape.tools,
      store: shape.store,
      include: shape.include,
      parallelToolCalls: shape.parallelToolCalls,
      toolChoice: shape.toolChoice,
      reasoning: shape.reasoning,
      lane: shape.lane,
      ...(settings.serviceTier !== undefined ? { serviceTier: settings.serviceTier } : {}),
    };
  }

  /** The agent's request for `input` as given, with the instructions where `instructionsPlacement` puts them. */
  build(input: readonly ResponseItem[], settings: AgentSettings = this.settings()): ModelRequest {
    const shape = this.shape(settings);
    return { ...shape, instructions: settings.instructionsPlacement === 'developerMessage' ? '' : shape.instructions, input: [...input] };
  }

  /** A new session's first request without its prompt (the instructions' developer message, or nothing). */
  warmup(settings: AgentSettings = this.settings()): ModelRequest {
    const placed = settings.instructionsPlacement === 'developerMessage';
    return this.build(placed ? [developerMessage(this.shape(settings).instructions)] : [], settings);
  }
}

/**
 * The request as sent: this turn's top-level effort where one was chosen, and no `configuration_update`
 * items for a model that rejects them (the session may have started on one that takes them).
 */
export function withEffort(request: ModelRequest, effort: ReasoningEffortLevel | undefined): ModelRequest {
  const input = acceptsConfigurationUpdate(request.model) ? request.input : request.input.filter((item) => item.type !== 'configuration_update');
  return effort === undefined ? { ...request, input } : { ...request, input, reasoning: { ...request.reasoning, effort } };
}
