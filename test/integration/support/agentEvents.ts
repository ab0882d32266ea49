import type { AgentEvent } from '../../../src/agent/events';
import type { Holdfast } from '../../../src/app/holdfast';

/** The chat agent's next event of `type` (subscribe before the action that causes it). */
export function nextAgentEvent<T extends AgentEvent['type']>(holdfast: Holdfast, type: T): Promise<Extract<AgentEvent, { type: T }>> {
  return new Promise((resolve) => {
    const subscription = holdfast.agentHost.onEvent((event) => {
      if (event.type !== type) return;
      subscription.dispose();
      resolve(event as Extract<AgentEvent, { type: T }>);
    });
  });
}
