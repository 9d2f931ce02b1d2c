import { closeSync, fchmodSync, fsyncSync, lstatSync, openSync, readFileSync, realpathSync, renameSync, unlinkSync, writeSync } from "node:fs";
import path from "node:path";

export class WriteSkipped extends Error {}

/**
 * Replaces a file's content atomically: a temporary file beside it, same mode, then a rename.
 * The file is written only if its bytes on disk are still those that were read; a symlink is
 * written through to its target (the link itself stays a link), and only inside `root`.
 */
export function writeFileAtomically(file: string, expected: Buffer, content: Buffer, mode: number, root: string): void {
  const target = lstatSync(file).isSymbolicLink() ? realpathSync(file) : file;
  if (target !== file && !isInside(realpathSync(root), target)) throw new WriteSkipped("it is a symlink to a file outside the project");
  if ((mode & 0o222) === 0) throw new WriteSkipped("it is read-only");
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.pylazy-${process.pid}.tmp`);
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

function isInside(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
}
