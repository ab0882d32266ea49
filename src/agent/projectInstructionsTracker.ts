/**
 * Keeps the project instructions (projectInstructions.ts) the agent's requests carry: read again at
 * each turn's start from that session's files in play, and reported to the chat only when the
 * included text changed (by hash) since the session last saw it. Between turns the snapshot stays as
 * it is, so every request of a turn (and the warm-up) carries the same instructions.
 */
import type { ChatSession } from './chatSession';
import type { UserInput } from './userInput';
import type { ToolServices } from '../tools/toolContext';
import { NO_PROJECT_INSTRUCTIONS, readProjectInstructions, type ProjectInstructionsSnapshot } from './projectInstructions';

export class ProjectInstructionsTracker {
  private snapshot: ProjectInstructionsSnapshot = NO_PROJECT_INSTRUCTIONS;
  /** Per session: the files the user put in play (active file, mentions), absolute paths. */
  private readonly inPlay = new Map<string, Set<string>>();
  /** Per session: the hash the chat was last told about. */
  private readonly shown = new Map<string, string>();
  /** A turn has read the files: a preload finishing later must not replace its snapshot. */
  private turnRefreshed = false;

  constructor(private readonly services: Pick<ToolServices, 'workspace' | 'paths'>) {}

  /** The section the instructions carry now ('' for none). */
  get text(): string {
    return this.snapshot.text;
  }

  get current(): ProjectInstructionsSnapshot {
    return this.snapshot;
  }

  /**
   * Reads the workspace folders' root files before any turn (at start-up, for the warm-up). Never
   * changes what a turn read: the requests of a turn keep one snapshot.
   */
  async preload(): Promise<void> {
    try {
      const snapshot = await readProjectInstructions(this.services, []);
      if (!this.turnRefreshed) this.snapshot = snapshot;
    } catch {
      // Nothing to preload: the first turn reads them.
    }
  }

  /**
   * Reads the files for `session` (and what the user just put in play). Returns the snapshot when the
   * session should be told (its first turn with files, or a change), undefined otherwise.
   */
  async refresh(session: ChatSession, input?: UserInput): Promise<ProjectInstructionsSnapshot | undefined> {
    this.turnRefreshed = true;
    try {
      this.snapshot = await readProjectInstructions(this.services, this.filesInPlay(session, input));
    } catch {
      // A workspace that cannot be read keeps the last snapshot: a turn never fails for its instructions.
      return undefined;
    }
    const previous = this.shown.get(session.id);
    if (previous === this.snapshot.hash || (previous === undefined && this.snapshot.files.length === 0)) return undefined;
    this.shown.set(session.id, this.snapshot.hash);
    return this.snapshot;
  }

  private filesInPlay(session: ChatSession, input: UserInput | undefined): string[] {
    let set = this.inPlay.get(session.id);
    if (!set) this.inPlay.set(session.id, (set = new Set()));
    for (const path of [input?.activeFile?.path, ...(input?.mentions ?? [])]) {
      if (!path) continue;
      try {
        const { folder, relative } = this.services.paths.locate(path);
        set.add(relative === '' ? folder.path : `${folder.path.replace(/\/$/, '')}/${relative}`);
      } catch {
        // Outside the workspace or malformed: it brings no instructions.
      }
    }
    return [...set, ...session.reads.paths(), ...session.journal.toJSON().map((entry) => entry.path)];
  }
}
