import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type * as Crypto from "node:crypto";
import { nodeBuiltin } from "./builtin.js";
import type { Diagnostic } from "./diagnostic.js";
import type { FileAnalysis } from "./lintSource.js";
import { writeTextAtomically } from "./write.js";

/** What a file's lint produced. */
export interface CachedResult {
  diagnostics: Diagnostic[];
  skipped?: FileAnalysis["skipped"];
}

/** What a file's `stat` says of it: when both are unchanged, the content is taken as unchanged (as ruff does). */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

interface CacheEntry extends CachedResult {
  contentHash: string;
  stamp?: FileStamp;
  /**
   * Set when the result depends on other files (a finding whose fix a re-export elsewhere may
   * block): then the entry holds only while the whole project is unchanged.
   */
  projectHash?: string;
}

interface CacheFile {
  key: string;
  entries: Record<string, CacheEntry>;
}

export function hashOf(...parts: (string | Buffer)[]): string {
  const hash = nodeBuiltin<typeof Crypto>("node:crypto").createHash("sha1");
  for (const part of parts) hash.update(part).update("\u0000");
  return hash.digest("hex");
}

/**
 * Lint results by file content, under `.pylazy/cache/`. The key covers pylazy's version, the
 * settings and the costs, so a change to any of them starts afresh.
 */
export class LintCache {
  private readonly entries: Record<string, CacheEntry>;
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly key: string,
    entries: Record<string, CacheEntry>,
  ) {
    this.entries = entries;
  }

  /** Where a project's lint results are kept. */
  static fileOf(projectRoot: string): string {
    return path.join(projectRoot, ".pylazy", "cache", "lint.json");
  }

  static open(projectRoot: string, key: string): LintCache {
    const file = LintCache.fileOf(projectRoot);
    try {
      const stored = JSON.parse(readFileSync(file, "utf8")) as CacheFile;
      if (stored.key === key && stored.entries && typeof stored.entries === "object") return new LintCache(file, key, stored.entries);
    } catch {
      // No cache yet, or an unreadable one: start afresh.
    }
    return new LintCache(file, key, {});
  }

  /**
   * The file's content is hashed only when its stamp changed; `projectHash` is asked for only when
   * the entry depends on the rest of the project.
   */
  get(relativePath: string, stamp: FileStamp | undefined, contentHash: () => string, projectHash: () => string): CachedResult | undefined {
    const entry = this.entries[relativePath];
    if (!entry) return undefined;
    const sameStamp = stamp !== undefined && entry.stamp?.size === stamp.size && entry.stamp.mtimeMs === stamp.mtimeMs;
    if (!sameStamp && entry.contentHash !== contentHash()) return undefined;
    if (entry.projectHash !== undefined && entry.projectHash !== projectHash()) return undefined;
    return { diagnostics: entry.diagnostics, skipped: entry.skipped };
  }

  set(relativePath: string, stamp: FileStamp | undefined, contentHash: string, result: CachedResult, projectHash: string | undefined): void {
    this.entries[relativePath] = { contentHash, stamp, projectHash, diagnostics: result.diagnostics, skipped: result.skipped };
    this.dirty = true;
  }

  /** Written atomically; a cache that cannot be written is only a slower next run. */
  save(): void {
    if (!this.dirty) return;
    try {
      // The folder's .gitignore first, so that git never sees the cache.
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(path.join(path.dirname(this.file), ".gitignore"), "*\n");
      writeTextAtomically(this.file, JSON.stringify({ key: this.key, entries: this.entries } satisfies CacheFile));
    } catch {
      // A read-only checkout: run without a cache.
    }
  }
}
