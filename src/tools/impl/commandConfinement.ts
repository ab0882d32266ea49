/**
 * Where a command runs and whether to ask first, from the policy's verdict and the host's sandbox:
 * - policy `deny` → refused (decided before this);
 * - `holdfast.sandbox: required` and no sandbox → refused;
 * - a sandbox, policy `allow` → runs in the sandbox without asking;
 * - a sandbox, policy `ask` → asks; approved, it runs in the sandbox, and the card may grant network
 *   or no sandbox for this run only;
 * - no sandbox (unavailable) → runs without asking only what the policy proves read-only, else asks;
 * - sandbox `off` → every command asks.
 * Pure, so each rule is a unit test.
 */
import type { CommandDecision } from '../policy/commandPolicy';
import type { ApprovalAnswer, CommandSandboxOffer, Confinement, SandboxStatus } from '../ports';

export type RunPlan =
  | { kind: 'run'; confinement: Confinement }
  | { kind: 'refuse'; reason: string }
  | { kind: 'ask'; reasons: string[]; alwaysAllowRules: string[] | undefined; offer: CommandSandboxOffer };

type Verdict = Exclude<CommandDecision, { kind: 'deny' }>;

/**
 * Whether the policy proved the command changes nothing. Read defensively: a verdict without the proof
 * (an older policy) is not read-only.
 */
export function provenReadOnly(decision: Verdict): boolean {
  return decision.kind === 'allow' && decision.readOnly === true;
}

export function planRun(decision: Verdict, status: SandboxStatus): RunPlan {
  if (status.kind === 'unavailable' && status.required) {
    return {
      kind: 'refuse',
      reason: `holdfast.sandbox is "required" and no sandbox is available here (${status.reason}). Tell the user; the command was not run.`,
    };
  }
  if (status.kind === 'available') {
    const offer: CommandSandboxOffer = {
      runsIn: 'sandbox',
      network: status.network,
      grants: status.network ? ['allowOnceUnsandboxed'] : ['allowOnceWithNetwork', 'allowOnceUnsandboxed'],
    };
    if (decision.kind === 'allow') return { kind: 'run', confinement: { sandbox: true, network: status.network } };
    const suggested = decision.effects?.writesOutsideWorkspace ? 'allowOnceUnsandboxed' : decision.effects?.network && !status.network ? 'allowOnceWithNetwork' : undefined;
    return { kind: 'ask', reasons: decision.reasons, alwaysAllowRules: decision.alwaysAllowRules, offer: suggested ? { ...offer, suggested } : offer };
  }
  const reason = status.kind === 'off' ? 'holdfast.sandbox is "off"' : `no sandbox is available here: ${status.reason}`;
  const offer: CommandSandboxOffer = { runsIn: 'none', network: true, grants: [], reason };
  if (status.kind === 'unavailable' && provenReadOnly(decision)) return { kind: 'run', confinement: { sandbox: false } };
  const unconfined = `It would run without a sandbox (${reason}), so Holdfast asks before every command${status.kind === 'off' ? '' : ' it cannot prove read-only'}`;
  return {
    kind: 'ask',
    reasons: decision.kind === 'ask' ? [...decision.reasons, unconfined] : [unconfined],
    // "Always allow" would not spare a question without a sandbox: not offered.
    alwaysAllowRules: undefined,
    offer,
  };
}

/** The confinement an approval answer gives (`deny` is handled before). */
export function confinementFor(answer: ApprovalAnswer, offer: CommandSandboxOffer): Confinement {
  if (offer.runsIn === 'none') return { sandbox: false };
  if (answer === 'allowOnceUnsandboxed' && offer.grants.includes('allowOnceUnsandboxed')) return { sandbox: false };
  if (answer === 'allowOnceWithNetwork' && offer.grants.includes('allowOnceWithNetwork')) return { sandbox: true, network: true };
  return { sandbox: true, network: offer.network };
}
