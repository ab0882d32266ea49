// Every contender by id, in the order the report lists them (Holdfast first: it is the subject).
import type { ContenderId, ContenderSpec } from './contender';
import { holdfastHttp, holdfastHttpStore, holdfastWs, holdfastWsCold } from './holdfast';
import { openaiWs } from './openaiWs';

export const CONTENDERS: Record<ContenderId, ContenderSpec> = {
  'holdfast-ws': holdfastWs,
  'holdfast-ws-cold': holdfastWsCold,
  'holdfast-http': holdfastHttp,
  'holdfast-http-store': holdfastHttpStore,
  'openai-ws': openaiWs,
};

export const CONTENDER_ORDER: readonly ContenderId[] = ['holdfast-ws', 'holdfast-ws-cold', 'holdfast-http', 'holdfast-http-store', 'openai-ws'];

/** The contenders Holdfast is compared against (the cold variant is Holdfast too: it only shows what warming buys). */
export const RIVALS: readonly ContenderId[] = ['holdfast-http', 'holdfast-http-store', 'openai-ws'];
