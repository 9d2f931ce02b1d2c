import fs from "node:fs";
import path from "node:path";
import ignore, { type Ignore } from "ignore";
import { findAncestorWith, fsErrorReason, isWithin } from "./config.js";
import type { Project } from "./types.js";

export interface PathProblem {
  path: string;
  message: string;
}

export interface DiscoveredFiles {
  /** Absolute, sorted, each file once however many ways it was reached. */
  files: string[];
  problems: PathProblem[];
}

/** Folders by absolute path, each with the files a walk found in it (and their real paths). */
export type WalkedFolders = Map<string, readonly { file: string; real?: string }[]>;

/** What a walk may tell or be told besides the paths. */
export interface WalkOptions {
  /** Told once, in the middle of the walk, when it has found `count` files (lint starts its worker threads then). */
  notice?: { count: number; reached: () => void };
  /**
   * Filled with the named folders walked by the rules a walk from the project root applies inside
   * them (no ignore file was overruled by naming them, the same repository), each with its files.
   */
  record?: WalkedFolders;
  /** Folders an earlier walk recorded: a walk from the project root takes their files from here instead of reading them again. */
  known?: WalkedFolders;
}

/** Folders a walk never enters: ruff's default excludes, plus bytecode caches and pylazy's own folder. */
const DEFAULT_EXCLUDES = new Set([
  ".bzr",
  ".direnv",
  ".eggs",
  ".git",
  ".git-rewrite",
  ".hg",
  ".ipynb_checkpoints",
  ".mypy_cache",
  ".nox",
  ".pants.d",
  ".pyenv",
  ".pytest_cache",
  ".pytype",
  ".ruff_cache",
  ".svn",
  ".tox",
  ".venv",
  ".vscode",
  "__pypackages__",
  "_build",
  "buck-out",
  "build",
  "dist",
  "node_modules",
  "site-packages",
  "venv",
  "__pycache__",
  ".pylazy",
]);

/** One walk of a named folder. */
interface WalkTree {
  /** The project root, or the named folder outside it: excludes are anchored here, symlinks may not leave it. */
  folder: string;
  realFolder: string;
  /** Where .gitignore files stop applying: the repository root, else the tree's folder. */
  gitignoreTop: string;
  /** Every entry of a folder is checked against the same ignore files. */
  ignoreLayersByFolder: Map<string, IgnoreLayer[]>;
  /** Ignore files above the walked folder that cover it: naming the folder overrules them. */
  overruledIgnoreFiles: Set<Ignore>;
}

/** One ignore file and the folder its patterns are relative to. */
interface IgnoreLayer {
  base: string;
  rules: Ignore;
}

/**
 * The Python files under `paths` (default "."). A file or folder named on the command line is
 * linted even when a default exclude or a .gitignore covers it, as ruff does: the user asked for
 * it. Only the user's own `exclude` drops it, so that pre-commit, which names every staged file,
 * honours it.
 */
export async function discoverPythonFiles(project: Project, paths: string[], cwd: string, options: WalkOptions = {}): Promise<DiscoveredFiles> {
  return discoverPythonFilesSync(project, paths, cwd, options);
}

/** The same walk, usable in the middle of a lint (the project's other files, listed when needed). */
export function discoverPythonFilesSync(project: Project, paths: string[], cwd: string, options: WalkOptions = {}): DiscoveredFiles {
  const discovery = new Discovery(project, options);
  for (const given of paths.length > 0 ? paths : ["."]) discovery.addPath(path.resolve(cwd, given));
  return discovery.result();
}

class Discovery {
  /** Each file found, with its real path when the walk knows it without asking the file system. */
  private readonly candidates: { file: string; real?: string }[] = [];
  private readonly problems: PathProblem[] = [];
  private readonly userExcludes: Ignore;
  private readonly ignoreFiles = new Map<string, Ignore | undefined>();

  constructor(
    private readonly project: Project,
    private readonly options: WalkOptions,
  ) {
    this.userExcludes = ignore({ ignorecase: false }).add(project.settings.exclude);
  }

  addPath(absolute: string): void {
    const stats = this.statGiven(absolute);
    if (stats === undefined) return;
    if (stats.isDirectory()) {
      const tree = this.treeOf(absolute);
      if (this.isUserExcluded(tree.folder, absolute, true)) return;
      const first = this.candidates.length;
      this.walk(tree, absolute, realPathOrUndefined(absolute) ?? absolute);
      // A walk from the project root would read the folder by the same rules: none overruled, the same repository.
      if (tree.overruledIgnoreFiles.size === 0 && tree.gitignoreTop === (findAncestorWith(tree.folder, [".git"]) ?? tree.folder)) {
        this.options.record?.set(absolute, this.candidates.slice(first));
      }
    } else if (stats.isFile()) {
      this.addGivenFile(absolute);
    } else {
      this.problems.push({ path: absolute, message: "not a file or directory" });
    }
  }

  result(): DiscoveredFiles {
    return {
      files: dedupeByRealPath(this.candidates).sort(),
      problems: this.problems.sort((a, b) => a.path.localeCompare(b.path)),
    };
  }

  private statGiven(absolute: string): fs.Stats | undefined {
    try {
      return fs.statSync(absolute);
    } catch (error) {
      const { code } = error as NodeJS.ErrnoException;
      // `-` is standard input to ruff (and many tools); here it is only a file of that name.
      const stdinHint = path.basename(absolute) === "-" ? " (pylazy does not read source from standard input: name the file)" : "";
      const message = code === "ENOENT" ? `path does not exist${stdinHint}` : `cannot read: ${fsErrorReason(error)}`;
      this.problems.push({ path: absolute, message });
      return undefined;
    }
  }

  /** Any file the user names is linted, .py or not; a named symlink is linted at its target. */
  private addGivenFile(file: string): void {
    if (this.isUserExcluded(this.treeFolderOf(path.dirname(file)), file, false)) return;
    this.found({ file: fs.lstatSync(file).isSymbolicLink() ? fs.realpathSync(file) : file });
  }

  /**
   * Every `.py` file under `folder`: excluded and ignored folders are never entered, linked folders
   * never followed, and a folder that cannot be read is reported while the walk goes on.
   */
  private walk(tree: WalkTree, folder: string, realFolder: string): void {
    const known = this.options.known?.get(folder);
    if (known && folder !== tree.folder) {
      // Reached by the rules it was walked by (see WalkOptions.record): the same files.
      for (const candidate of known) this.found(candidate);
      return;
    }
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(folder, { withFileTypes: true });
    } catch (error) {
      this.problems.push({ path: folder, message: `cannot read directory: ${fsErrorReason(error)}` });
      return;
    }
    for (const entry of entries) {
      const entryPath = path.join(folder, entry.name);
      if (this.isSkipped(tree, entryPath, entry)) continue;
      if (entry.isDirectory()) this.walk(tree, entryPath, path.join(realFolder, entry.name));
      else if (!entry.name.endsWith(".py")) continue;
      // The walk enters real folders only (a symlinked folder is not a directory entry), so a
      // file's real path is its folder's, joined with its name: no system call per file.
      else if (entry.isFile()) this.found({ file: entryPath, real: path.join(realFolder, entry.name) });
      else if (entry.isSymbolicLink()) this.addLinkedFile(tree, entryPath);
    }
  }

  /** A symlink met on the walk is linted at its target, and only when that target stays in the tree. */
  private addLinkedFile(tree: WalkTree, link: string): void {
    const target = realPathOrUndefined(link);
    if (target === undefined || !isWithin(tree.realFolder, target)) return;
    if (fs.statSync(target).isFile()) this.found({ file: target, real: target });
  }

  private found(candidate: { file: string; real?: string }): void {
    this.candidates.push(candidate);
    if (this.candidates.length === this.options.notice?.count) this.options.notice.reached();
  }

  private isSkipped(tree: WalkTree, entryPath: string, entry: fs.Dirent): boolean {
    const isFolder = entry.isDirectory();
    if (!isFolder && !entry.name.endsWith(".py")) return false;
    return (
      DEFAULT_EXCLUDES.has(entry.name) ||
      this.isUserExcluded(tree.folder, entryPath, isFolder) ||
      (this.project.settings.respectGitignore && this.isGitignored(tree, entryPath, isFolder))
    );
  }

  private isUserExcluded(base: string, target: string, isFolder: boolean): boolean {
    if (this.project.settings.exclude.length === 0) return false;
    const relative = path.relative(base, target);
    return relative !== "" && this.userExcludes.ignores(asIgnorePath(relative, isFolder));
  }

  /** The deepest ignore file with a verdict on the entry decides, as in git. */
  private isGitignored(tree: WalkTree, entryPath: string, isFolder: boolean): boolean {
    const folder = path.dirname(entryPath);
    if (!tree.ignoreLayersByFolder.has(folder)) tree.ignoreLayersByFolder.set(folder, this.ignoreLayers(tree, folder));
    for (const { base, rules } of tree.ignoreLayersByFolder.get(folder) ?? []) {
      if (tree.overruledIgnoreFiles.has(rules)) continue;
      const verdict = rules.test(asIgnorePath(path.relative(base, entryPath), isFolder));
      if (verdict.ignored || verdict.unignored) return verdict.ignored;
    }
    return false;
  }

  /** The .gitignore files from `folder` up to the repository root, then .git/info/exclude. */
  private ignoreLayers(tree: WalkTree, folder: string): IgnoreLayer[] {
    const layers: IgnoreLayer[] = [];
    const addLayer = (base: string, file: string): void => {
      const rules = this.ignoreFile(file);
      if (rules !== undefined) layers.push({ base, rules });
    };
    for (let current = folder; ; current = path.dirname(current)) {
      addLayer(current, path.join(current, ".gitignore"));
      if (current === tree.gitignoreTop || path.dirname(current) === current) break;
    }
    addLayer(tree.gitignoreTop, path.join(tree.gitignoreTop, ".git", "info", "exclude"));
    return layers;
  }

  private ignoreFile(file: string): Ignore | undefined {
    if (!this.ignoreFiles.has(file)) this.ignoreFiles.set(file, readIgnoreFile(file));
    return this.ignoreFiles.get(file);
  }

  /** The tree of the folder the user named to be walked. */
  private treeOf(folder: string): WalkTree {
    const treeFolder = this.treeFolderOf(folder);
    const tree: WalkTree = {
      folder: treeFolder,
      realFolder: realPathOrUndefined(treeFolder) ?? treeFolder,
      gitignoreTop: findAncestorWith(folder, [".git"]) ?? treeFolder,
      ignoreLayersByFolder: new Map(),
      overruledIgnoreFiles: new Set(),
    };
    if (folder !== tree.gitignoreTop) {
      for (const { base, rules } of this.ignoreLayers(tree, path.dirname(folder))) {
        if (rules.test(asIgnorePath(path.relative(base, folder), true)).ignored) tree.overruledIgnoreFiles.add(rules);
      }
    }
    return tree;
  }

  /** The project root; outside it (no project was found) the named path's own folder. */
  private treeFolderOf(folder: string): string {
    return isWithin(this.project.root, folder) ? this.project.root : folder;
  }
}

/** A missing or unreadable ignore file has no rules, as for git. */
function readIgnoreFile(file: string): Ignore | undefined {
  try {
    // Case-sensitive like git on Linux and like ruff.
    return ignore({ ignorecase: false }).add(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** The `ignore` package wants forward slashes, and a trailing one to match `dir/` patterns. */
function asIgnorePath(relative: string, isFolder: boolean): string {
  const slashed = relative.split(path.sep).join("/");
  return isFolder ? `${slashed}/` : slashed;
}

/** Keeps the first spelling, in sorted order, of each file on disk. */
function dedupeByRealPath(candidates: { file: string; real?: string }[]): string[] {
  const byRealPath = new Map<string, string>();
  for (const { file, real: known } of [...candidates].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
    const real = known ?? realPathOrUndefined(file) ?? file;
    if (!byRealPath.has(real)) byRealPath.set(real, file);
  }
  return [...byRealPath.values()];
}

function realPathOrUndefined(target: string): string | undefined {
  try {
    return fs.realpathSync.native(target);
  } catch {
    return undefined;
  }
}
