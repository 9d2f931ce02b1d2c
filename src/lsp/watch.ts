import { unwatchFile, watchFile } from "node:fs";
import type { Stats } from "node:fs";

/** How often a watched file is looked at when the editor cannot watch files for the server. */
const POLL_INTERVAL_MS = 1000;

/**
 * Watches config files and profiles by polling their status, for editors that cannot send
 * `workspace/didChangeWatchedFiles` (Neovim before 0.9, for one). Polling, unlike `fs.watch`,
 * also notices a file that does not exist yet, such as a first `.pylazy/profile.json`.
 */
export class PollingFileWatcher {
  private readonly watched = new Set<string>();
  private readonly listener = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size || current.ino !== previous.ino) this.onChange();
  };

  constructor(private readonly onChange: () => void) {}

  /** Watches exactly `files` from now on. */
  watch(files: readonly string[]): void {
    const wanted = new Set(files);
    for (const file of this.watched) {
      if (!wanted.has(file)) this.unwatch(file);
    }
    for (const file of wanted) {
      if (this.watched.has(file)) continue;
      // Unreferenced: the server lives as long as its connection, never because of a watcher.
      watchFile(file, { interval: POLL_INTERVAL_MS, persistent: false }, this.listener);
      this.watched.add(file);
    }
  }

  dispose(): void {
    for (const file of this.watched) this.unwatch(file);
  }

  private unwatch(file: string): void {
    unwatchFile(file, this.listener);
    this.watched.delete(file);
  }
}
