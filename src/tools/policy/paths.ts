/** Lexical helpers for port paths (absolute, forward slashes; see ports.ts). No `..` is ever resolved here. */

export function joinPath(base: string, relative: string): string {
  if (relative === '') return base;
  return base.endsWith('/') ? `${base}${relative}` : `${base}/${relative}`;
}

export function isInside(path: string, folder: string): boolean {
  const root = folder.endsWith('/') ? folder.slice(0, -1) : folder;
  return path === root || path.startsWith(`${root}/`);
}

/** `path` relative to `folder` (which must contain it); '' for the folder itself. */
export function relativeTo(path: string, folder: string): string {
  const root = folder.endsWith('/') ? folder.slice(0, -1) : folder;
  return path === root ? '' : path.slice(root.length + 1);
}

export function dirname(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
