import v8 from "node:v8";
import vm from "node:vm";

let collect: (() => void) | undefined;

/**
 * Lets native memory go. node-tree-sitter frees a tree's native memory from a finalizer, which
 * runs only after V8 collects the small JS object (V8 does not see the native size) and only on a
 * later turn of the event loop: a synchronous loop over thousands of files would keep every tree.
 */
export async function releaseNativeMemory(): Promise<void> {
  if (!collect) {
    v8.setFlagsFromString("--expose-gc");
    collect = vm.runInNewContext("gc") as () => void;
  }
  collect();
  await new Promise((resolve) => setImmediate(resolve));
}

/** Files between two releases: often enough to bound memory, rarely enough to cost nothing. */
export const FILES_PER_RELEASE = 16;
