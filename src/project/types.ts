/** Resolved settings for one run: defaults, then `[tool.pylazy]`, then the command line. */
export interface Settings {
  /** A module is heavy when its cumulative import time is at least this many milliseconds. */
  thresholdMs: number;
  /** Rule codes or prefixes to enable (empty: all). */
  select: string[];
  /** Rule codes or prefixes to disable. */
  ignore: string[];
  /** Glob patterns of files and folders to skip, relative to the project root. */
  exclude: string[];
  /** Modules that must never be deferred. */
  keepEager: string[];
  /** A raw `-X importtime` log or a pylazy profile JSON, absolute path. */
  profile?: string;
  /** `py38` .. `py315`. */
  targetVersion: string;
  /** Respect .gitignore files. */
  respectGitignore: boolean;
  /** Default `fix --strategy`. */
  strategy?: string;
  /** Default output format: `text`, `json`, `sarif` or `github`. */
  format?: string;
  /** Measure the imported modules in a fresh interpreter (`--measure`). */
  measure?: boolean;
  /** The interpreter `--measure` runs. */
  python?: string;
}

export interface Project {
  /** Folder holding the nearest pyproject.toml or .git above the given paths (or the cwd). */
  root: string;
  /** The config file that was read (a pyproject.toml, or the `--config` file), if any. */
  configFile?: string;
  settings: Settings;
}
