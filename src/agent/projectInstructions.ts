/**
 * The project's own instruction files (issue 19): `AGENTS.md` at each folder's root and the nearest one
 * up the tree from each file in play (the active file, `@` mentions, files the model read or edited),
 * plus `.github/copilot-instructions.md`. Their text rides the instructions' developer message, so it
 * must be stable: files are read once per turn (never mid-turn), in a fixed order, and the
 * instructions change (a "changed instructions" message, or a new chain when they go top-level) only
 * when the included text changed, which a hash of it tells. Every file goes through the path policy
 * (a symlink out of the workspace or a secret-looking file is not read). Pure: ports only.
 */
import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { dirname, isInside, joinPath, relativeTo } from '../tools/policy/paths';
import type { ToolServices } from '../tools/toolContext';

/** The included text's cap (as Codex's `project_doc_max_bytes`): past it files are cut, with a note. */
export const MAX_PROJECT_INSTRUCTION_BYTES = 32 * 1024;

export const AGENTS_FILE = 'AGENTS.md';
export const COPILOT_INSTRUCTIONS_FILE = '.github/copilot-instructions.md';

export interface IncludedFile {
  /** As the model and the user see it (`folder/AGENTS.md` in a multi-root workspace). */
  display: string;
  /** The file's size in bytes (UTF-8). */
  bytes: number;
  /** Only its beginning (`partial`) or nothing of it (`omitted`) fitted under the cap. */
  cut?: 'partial' | 'omitted';
}

export interface ProjectInstructionsSnapshot {
  files: IncludedFile[];
  /** The section for the instructions; '' when no file was found. */
  text: string;
  /** sha-256 of `text`: equal hashes, equal instructions. */
  hash: string;
}

export const NO_PROJECT_INSTRUCTIONS: ProjectInstructionsSnapshot = { files: [], text: '', hash: hashOf('') };

function hashOf(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}

const encoder = new TextEncoder();

/** The instruction files for these files in play (absolute paths), in a fixed order: per folder, root first. */
export async function findInstructionFiles(services: Pick<ToolServices, 'workspace' | 'paths'>, filesInPlay: Iterable<string>): Promise<string[]> {
  const folders = services.workspace.folders;
  const candidates = new Set<string>();
  for (const folder of folders) {
    candidates.add(joinPath(folder.path, AGENTS_FILE));
    candidates.add(joinPath(folder.path, COPILOT_INSTRUCTIONS_FILE));
  }
  // Many files in play share directories: each directory is looked at once per call.
  const nearestIn = new Map<string, Promise<string | undefined>>();
  for (const file of filesInPlay) {
    const folder = folders.find((f) => isInside(file, f.path));
    const nearest = folder ? await nearestAgentsFile(services, folder.path.replace(/\/$/, ''), dirname(file), nearestIn) : undefined;
    if (nearest) candidates.add(nearest);
  }
  const found: string[] = [];
  for (const candidate of candidates) {
    if ((await services.workspace.stat(candidate))?.type === 'file') found.push(candidate);
  }
  const folderIndex = (path: string): number => folders.findIndex((folder) => isInside(path, folder.path));
  const rank = (path: string): string => {
    const folder = folders[folderIndex(path)];
    const relative = folder ? relativeTo(path, folder.path) : path;
    // Root AGENTS.md, then copilot-instructions, then nested AGENTS.md files by path (shallow first).
    return relative === AGENTS_FILE ? '0' : relative === COPILOT_INSTRUCTIONS_FILE ? '1' : `2${String(relative.split('/').length).padStart(3, '0')}${relative}`;
  };
  return found.sort((a, b) => folderIndex(a) - folderIndex(b) || (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
}

/** The AGENTS.md nearest `directory`, up to (and excluding) its folder's `root`; undefined if none. */
function nearestAgentsFile(services: Pick<ToolServices, 'workspace'>, root: string, directory: string, memo: Map<string, Promise<string | undefined>>): Promise<string | undefined> {
  if (directory === root || !isInside(directory, root)) return Promise.resolve(undefined);
  let found = memo.get(directory);
  if (!found) {
    const candidate = joinPath(directory, AGENTS_FILE);
    found = services.workspace.stat(candidate).then((stat) => (stat?.type === 'file' ? candidate : nearestAgentsFile(services, root, dirname(directory), memo)));
    memo.set(directory, found);
  }
  return found;
}

/**
 * Reads the instruction files the path policy admits and builds the section, cut at `maxBytes` in
 * total with a note saying what was left out. Unreadable files are skipped (they are the user's
 * business, not a reason to fail a turn).
 */
export async function readProjectInstructions(
  services: Pick<ToolServices, 'workspace' | 'paths'>,
  filesInPlay: Iterable<string>,
  maxBytes = MAX_PROJECT_INSTRUCTION_BYTES,
): Promise<ProjectInstructionsSnapshot> {
  const files: IncludedFile[] = [];
  const parts: string[] = [];
  let left = maxBytes;
  for (const path of await findInstructionFiles(services, filesInPlay)) {
    let display: string;
    let text: string;
    try {
      display = (await services.paths.resolve(path, 'read')).display;
      text = (await services.workspace.readFile(path)).replace(/\r\n/g, '\n').trim();
    } catch {
      continue;
    }
    if (text === '') continue;
    const bytes = encoder.encode(text).length;
    if (left <= 0) {
      files.push({ display, bytes, cut: 'omitted' });
      continue;
    }
    const kept = bytes <= left ? text : cutToBytes(text, left);
    // Once a file is cut, the ones after it are left out whole (no stray small file after a cut).
    left = kept === text ? left - bytes : 0;
    files.push(kept === text ? { display, bytes } : { display, bytes, cut: 'partial' });
    parts.push(`## ${display}\n\n${kept}${kept === text ? '' : `\n\n[Holdfast: ${display} is cut here; the instruction files are capped at ${maxBytes / 1024} KB in total.]`}`);
  }
  if (parts.length === 0) return files.length === 0 ? NO_PROJECT_INSTRUCTIONS : { files, text: '', hash: hashOf('') };
  const omitted = files.filter((f) => f.cut === 'omitted').map((f) => f.display);
  const note = omitted.length > 0 ? `\n\n[Holdfast: not included, over the ${maxBytes / 1024} KB cap for instruction files: ${omitted.join(', ')}.]` : '';
  const text = [
    '# Project instructions',
    'The project\'s instruction files say the following. Follow them where they apply to the files you work on (a nested AGENTS.md applies to its folder and takes precedence over the root one), unless they conflict with the safety rules above or with what the user asks.',
    '',
    parts.join('\n\n') + note,
  ].join('\n');
  return { files, text, hash: hashOf(text) };
}

/** The longest prefix of `text` within `maxBytes` UTF-8 bytes, at a line end when there is one. */
function cutToBytes(text: string, maxBytes: number): string {
  const prefix = new TextDecoder().decode(encoder.encode(text).slice(0, maxBytes)).replace(/\uFFFD$/, '');
  const lineEnd = prefix.lastIndexOf('\n');
  return (lineEnd > 0 ? prefix.slice(0, lineEnd) : prefix).trimEnd();
}

/** The quiet line the chat shows: which files were included, and what the cap left out. */
export function describeIncluded(snapshot: ProjectInstructionsSnapshot): string {
  if (snapshot.files.length === 0) return 'Project instructions: none found now (no AGENTS.md or .github/copilot-instructions.md).';
  const names = snapshot.files.map((f) => (f.cut === 'partial' ? `${f.display} (cut at the cap)` : f.cut === 'omitted' ? `${f.display} (left out: over the cap)` : f.display));
  return `Project instructions included: ${names.join(', ')}.`;
}
