import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, findProjectRoot, loadProject } from "../src/project/config.js";
import { discoverPythonFiles, discoverPythonFilesSync } from "../src/project/files.js";
import type { Settings } from "../src/project/types.js";

const madeTrees: string[] = [];
after(() => madeTrees.forEach((tree) => fs.rmSync(tree, { recursive: true, force: true })));

/** A fresh folder holding `files` (relative path → content; a trailing "/" makes a folder). */
function makeTree(files: Record<string, string> = {}): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-")));
  madeTrees.push(root);
  for (const [relative, content] of Object.entries(files)) {
    const target = path.join(root, relative);
    if (relative.endsWith("/")) {
      fs.mkdirSync(target, { recursive: true });
    } else {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, content);
    }
  }
  return root;
}

function projectIn(root: string, overrides: Partial<Settings> = {}, cwd = root) {
  return loadProject({ paths: ["."], cwd, overrides });
}

/** The files pylazy would lint, relative to `root`. */
async function lintedFiles(root: string, paths = ["."], overrides: Partial<Settings> = {}): Promise<string[]> {
  const { files, problems } = await discoverPythonFiles(projectIn(root, overrides), paths, root);
  assert.deepEqual(problems, []);
  // The synchronous walk (the project's other files, listed in the middle of a lint) finds the same.
  assert.deepEqual(discoverPythonFilesSync(projectIn(root, overrides), paths, root), { files, problems });
  return files.map((file) => path.relative(root, file));
}

/** Loading the project in `root` fails with a ConfigError about its pyproject.toml. */
function assertPyprojectError(root: string, pattern: RegExp): void {
  assert.throws(
    () => projectIn(root),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.file, path.join(root, "pyproject.toml"));
      assert.match(error.message, pattern);
      return true;
    },
  );
}

test("the project root is the nearest folder above the path holding a pyproject.toml", () => {
  const root = makeTree({ "pyproject.toml": "", "src/pkg/mod.py": "" });
  assert.deepEqual(findProjectRoot(["src/pkg/mod.py"], root), { root, pyproject: path.join(root, "pyproject.toml") });
});

test("a .git folder also marks the project root", () => {
  const root = makeTree({ ".git/": "", "src/pkg/": "" });
  assert.deepEqual(findProjectRoot([path.join(root, "src", "pkg")], "/"), { root });
});

test("several paths start the search at their common ancestor", () => {
  const root = makeTree({ ".git/": "", "a/pyproject.toml": "", "a/x.py": "", "b/y.py": "" });
  assert.deepEqual(findProjectRoot(["a/x.py", "b/y.py"], root), { root });
});

test("without a pyproject.toml or .git above the paths, the cwd is the root when it holds them", () => {
  const cwd = makeTree({ "src/pkg/__init__.py": "", "src/pkg/mod.py": "", "tests/test_mod.py": "" });
  assert.deepEqual(findProjectRoot(["src/pkg/mod.py"], cwd), { root: cwd });
  assert.deepEqual(findProjectRoot([path.join(cwd, "src")], cwd), { root: cwd });
});

test("without a pyproject.toml or .git above paths elsewhere, the root is the folder their top package is imported from", () => {
  const cwd = makeTree();
  const elsewhere = makeTree({ "x.py": "", "pkg/__init__.py": "", "pkg/sub/__init__.py": "", "pkg/sub/mod.py": "", "tools/run.py": "" });
  assert.deepEqual(findProjectRoot([path.join(elsewhere, "x.py")], cwd), { root: elsewhere });
  assert.deepEqual(findProjectRoot([path.join(elsewhere, "pkg", "sub", "mod.py")], cwd), { root: elsewhere });
  assert.deepEqual(findProjectRoot([path.join(elsewhere, "tools")], cwd), { root: path.join(elsewhere, "tools") });
  // A cwd inside the paths' tree does not hold them: it is not the root either.
  assert.deepEqual(findProjectRoot([path.join(elsewhere, "pkg", "sub", "mod.py")], path.join(elsewhere, "pkg")), { root: elsewhere });
});

test("settings are the defaults when pyproject.toml has no [tool.pylazy]", () => {
  const root = makeTree({ "pyproject.toml": '[project]\nname = "app"\n' });
  const { settings, configFile } = projectIn(root);
  assert.equal(configFile, path.join(root, "pyproject.toml"));
  assert.equal(settings.thresholdMs, 10);
  assert.equal(settings.targetVersion, "py39");
  assert.equal(settings.respectGitignore, true);
  assert.ok(settings.keepEager.includes("__future__"));
  assert.ok(settings.keepEager.includes("gevent.monkey"));
});

test("[tool.pylazy] overrides the defaults and the command line overrides both", () => {
  const root = makeTree({
    "pyproject.toml": [
      "[tool.pylazy]",
      "threshold = 25",
      'target-version = "py312"',
      'select = ["LZ001"]',
      'strategy = "lazyloader"',
    ].join("\n"),
  });
  const { settings } = projectIn(root, { thresholdMs: 50, select: undefined, format: "json" });
  assert.equal(settings.thresholdMs, 50);
  assert.equal(settings.targetVersion, "py312");
  assert.deepEqual(settings.select, ["LZ001"]);
  assert.equal(settings.strategy, "lazyloader");
  assert.equal(settings.format, "json");
});

test("keep-eager replaces the default list and extend-keep-eager adds to it", () => {
  const replacing = makeTree({ "pyproject.toml": '[tool.pylazy]\nkeep-eager = ["matplotlib"]\n' });
  assert.deepEqual(projectIn(replacing).settings.keepEager, ["matplotlib"]);
  const extending = makeTree({ "pyproject.toml": '[tool.pylazy]\nextend-keep-eager = ["matplotlib"]\n' });
  const keepEager = projectIn(extending).settings.keepEager;
  assert.ok(keepEager.includes("__future__") && keepEager.includes("matplotlib"));
});

test("--exclude replaces exclude from the config, while extend-exclude still applies", () => {
  const root = makeTree({ "pyproject.toml": '[tool.pylazy]\nexclude = ["a"]\nextend-exclude = ["b"]\n' });
  assert.deepEqual(projectIn(root).settings.exclude, ["a", "b"]);
  assert.deepEqual(projectIn(root, { exclude: ["c"] }).settings.exclude, ["c", "b"]);
});

test("a standalone pylazy.toml given with --config holds the settings at its top level", () => {
  const root = makeTree({ "pyproject.toml": "[tool.pylazy]\nthreshold = 1\n", "conf/pylazy.toml": "threshold = 30\n" });
  const project = loadProject({ paths: ["."], cwd: root, configFile: "conf/pylazy.toml", overrides: {} });
  assert.equal(project.configFile, path.join(root, "conf", "pylazy.toml"));
  assert.equal(project.settings.thresholdMs, 30);
});

test("profile in the config is relative to the config file's folder", () => {
  const root = makeTree({ "pyproject.toml": '[tool.pylazy]\nprofile = "perf/importtime.log"\n', "src/": "" });
  const { settings } = projectIn(root, {}, path.join(root, "src"));
  assert.equal(settings.profile, path.join(root, "perf", "importtime.log"));
});

test("an unknown key is an error naming the file, the key and the valid keys", () => {
  const root = makeTree({ "pyproject.toml": "[tool.pylazy]\nfoo = 1\n" });
  assertPyprojectError(root, /^pyproject\.toml: unknown key `tool\.pylazy\.foo` \(valid keys: threshold, .*keep-eager/);
});

test("a TOML syntax error names the file, line and column", () => {
  const root = makeTree({ "pyproject.toml": '[project]\nname = "app"\n[tool.pylazy]\nthreshold = = 3\n' });
  assertPyprojectError(root, /^pyproject\.toml:4:\d+: invalid TOML/);
});

test("a value of the wrong type is an error", () => {
  const root = makeTree({ "pyproject.toml": '[tool.pylazy]\nthreshold = "fast"\n' });
  assertPyprojectError(root, /`tool\.pylazy\.threshold` must be a number, got "fast"/);
});

test("a target-version outside py38..py315 is an error", () => {
  const root = makeTree({ "pyproject.toml": '[tool.pylazy]\ntarget-version = "py27"\n' });
  assertPyprojectError(root, /must be one of py38, py39, .*py315, got "py27"/);
});

test("default excludes skip virtualenvs, caches and build output", async () => {
  const root = makeTree({
    ".git/": "",
    "pkg/a.py": "",
    ".venv/lib/site.py": "",
    "build/lib/pkg/a.py": "",
    "node_modules/x/y.py": "",
    "pkg/__pycache__/a.py": "",
    "notes.txt": "",
  });
  assert.deepEqual(await lintedFiles(root), ["pkg/a.py"]);
});

test("root and nested .gitignore files and .git/info/exclude are respected", async () => {
  const root = makeTree({
    ".git/info/exclude": "secret.py\n",
    ".gitignore": "generated/\n",
    "pkg/.gitignore": "*_pb2.py\n!keep_pb2.py\n",
    "pkg/a.py": "",
    "pkg/msg_pb2.py": "",
    "pkg/keep_pb2.py": "",
    "generated/g.py": "",
    "other/msg_pb2.py": "",
    "other/secret.py": "",
  });
  assert.deepEqual(await lintedFiles(root), ["other/msg_pb2.py", "pkg/a.py", "pkg/keep_pb2.py"]);
  assert.ok((await lintedFiles(root, ["."], { respectGitignore: false })).includes("generated/g.py"));
});

test("a file named on the command line is linted despite .gitignore and default excludes", async () => {
  const root = makeTree({
    ".git/": "",
    ".gitignore": "scratch.py\n",
    "scratch.py": "",
    "build/gen.py": "",
    "setup.cfg": "",
  });
  const named = ["scratch.py", "build/gen.py", "setup.cfg"];
  assert.deepEqual(await lintedFiles(root, named), ["build/gen.py", "scratch.py", "setup.cfg"]);
});

test("a folder named on the command line is walked even when a .gitignore above it covers it", async () => {
  const root = makeTree({
    ".git/": "",
    ".gitignore": "generated/\n",
    "generated/.gitignore": "*_pb2.py\n",
    "generated/api.py": "",
    "generated/msg_pb2.py": "",
  });
  assert.deepEqual(await lintedFiles(root), []);
  assert.deepEqual(await lintedFiles(root, ["generated"]), ["generated/api.py"]);
});

test("a walk of the project takes the files of a folder already walked by the same rules from that walk", async () => {
  const root = makeTree({
    ".git/": "",
    ".gitignore": "generated/\n*_pb2.py\n",
    "src/pkg/a.py": "",
    "src/pkg/b_pb2.py": "",
    "src/build/c.py": "",
    "src/nested/.git/": "",
    "src/nested/d.py": "",
    "tests/test_a.py": "",
    "generated/e.py": "",
  });
  const project = projectIn(root);
  const everyFile = discoverPythonFilesSync(project, [root], root).files;
  for (const named of [["src"], ["src/pkg", "tests"], ["generated"], ["src/nested"], ["src/pkg/a.py"]]) {
    const record = new Map();
    discoverPythonFilesSync(project, named, root, { record });
    // A folder an ignore file covers (named: its rules are overruled) or in another repository is not recorded.
    assert.equal(record.has(path.join(root, "generated")), false);
    assert.equal(record.has(path.join(root, "src", "nested")), false);
    assert.deepEqual(discoverPythonFilesSync(project, [root], root, { known: record }).files, everyFile, named.join(" "));
  }
  // What is recorded is what the walk from the root would find there.
  const record = new Map();
  discoverPythonFilesSync(project, ["src"], root, { record });
  assert.deepEqual(
    [...record.get(path.join(root, "src"))!].map(({ file }) => path.relative(root, file)).sort(),
    ["src/nested/d.py", "src/pkg/a.py"],
  );
});

test("the user's exclude applies to walked and named files alike", async () => {
  const root = makeTree({ ".git/": "", "pkg/a.py": "", "pkg/migrations/0001.py": "", "tools/gen.py": "" });
  const exclude = ["migrations/", "/tools"];
  assert.deepEqual(await lintedFiles(root, ["."], { exclude }), ["pkg/a.py"]);
  assert.deepEqual(await lintedFiles(root, ["tools/gen.py", "pkg/migrations/0001.py"], { exclude }), []);
});

test("a path that does not exist is a problem, and the other paths are still walked", async () => {
  const root = makeTree({ ".git/": "", "a.py": "" });
  const { files, problems } = await discoverPythonFiles(projectIn(root), ["missing.py", "a.py"], root);
  assert.deepEqual(files, [path.join(root, "a.py")]);
  assert.deepEqual(problems, [{ path: path.join(root, "missing.py"), message: "path does not exist" }]);
});

test("an unreadable folder is a problem naming it, and the walk goes on", async (t) => {
  const root = makeTree({ ".git/": "", "a.py": "", "locked/b.py": "" });
  const locked = path.join(root, "locked");
  fs.chmodSync(locked, 0o000);
  t.after(() => fs.chmodSync(locked, 0o755));
  if (isReadable(locked)) {
    t.skip("running as a user who can read any folder");
    return;
  }
  const { files, problems } = await discoverPythonFiles(projectIn(root), ["."], root);
  assert.deepEqual(files, [path.join(root, "a.py")]);
  assert.deepEqual(problems, [{ path: locked, message: "cannot read directory: permission denied (EACCES)" }]);
});

test("a file reached twice, by name or through its folder, is listed once", async () => {
  const root = makeTree({ ".git/": "", "pkg/a.py": "" });
  assert.deepEqual(await lintedFiles(root, [".", "pkg/a.py", "./pkg/a.py", "pkg"]), ["pkg/a.py"]);
});

test("symlinks leading out of the project are not followed; one inside it is linted once", async () => {
  const outside = makeTree({ "evil.py": "", "deep/evil2.py": "" });
  const root = makeTree({ ".git/": "", "pkg/a.py": "" });
  fs.symlinkSync(path.join(outside, "evil.py"), path.join(root, "pkg", "link.py"));
  fs.symlinkSync(outside, path.join(root, "linked_dir"));
  fs.symlinkSync(path.join(root, "pkg", "a.py"), path.join(root, "alias.py"));
  assert.deepEqual(await lintedFiles(root), ["pkg/a.py"]);
});

function isReadable(folder: string): boolean {
  try {
    fs.accessSync(folder, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
