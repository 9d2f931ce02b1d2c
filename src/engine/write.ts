import { closeSync, fchmodSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";

export class WriteSkipped extends Error {}

/**
 * Writes a whole file that pylazy owns (a profile, the cache) beside its place, then renames it
 * there: a reader never sees half of it. Its folder is made if need be.
 */
export function writeTextAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

/**
 * Replaces a file's content atomically: a temporary file beside it, same mode, then a rename.
 * The file is written only if its bytes on disk are still those that were read; a symlink is
 * written through to its target (the link itself stays a link), and only inside `root`.
 */
export function writeFileAtomically(file: string, expected: Buffer, content: Buffer, mode: number, root: string): void {
  const target = lstatSync(file).isSymbolicLink() ? realpathSync(file) : file;
  if (target !== file && !isInside(realpathSync(root), target)) throw new WriteSkipped("it is a symlink to a file outside the project");
  if ((mode & 0o222) === 0) throw new WriteSkipped("it is read-only");
  const temporary = path.join(path.dirname(target), temporaryName(path.basename(target), process.pid));
  removeStaleTemporaries(target);
  const fd = openSync(temporary, "wx", mode & 0o7777);
  try {
    fchmodSync(fd, mode & 0o7777);
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    if (!readFileSync(target).equals(expected)) throw new WriteSkipped("it changed on disk since it was read");
    renameSync(temporary, target);
  } catch (error) {
    unlinkSync(temporary);
    throw error;
  }
}

function temporaryName(base: string, pid: number): string {
  return `.${base}.pylazy-${pid}.tmp`;
}

const folderEntries = new Map<string, string[]>();

/**
 * A run killed between writing its temporary file and renaming it (SIGKILL, a power cut) leaves
 * `.name.pylazy-PID.tmp` beside the file: the next write of that file removes it once no process
 * of that PID runs. Each folder is listed once per run.
 */
function removeStaleTemporaries(target: string): void {
  const folder = path.dirname(target);
  let entries = folderEntries.get(folder);
  if (entries === undefined) {
    try {
      entries = readdirSync(folder).filter((name) => name.endsWith(".tmp") && name.includes(".pylazy-"));
    } catch {
      entries = [];
    }
    folderEntries.set(folder, entries);
  }
  const prefix = `.${path.basename(target)}.pylazy-`;
  for (const name of entries) {
    const pid = Number(name.slice(prefix.length, -".tmp".length));
    if (!name.startsWith(prefix) || !Number.isInteger(pid) || name !== temporaryName(path.basename(target), pid)) continue;
    if (pid !== process.pid && isRunning(pid)) continue;
    try {
      unlinkSync(path.join(folder, name));
    } catch {
      // Gone already, or not ours to remove: the write goes on.
    }
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}
