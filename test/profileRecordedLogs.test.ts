import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadProject } from "../src/project/config.js";
import { attributeImports } from "../src/profile/attribution.js";
import { medianTree, parseImportTimeLog, programImports, summarizeImportTime } from "../src/profile/importtime.js";
import { parseProfileJson, serializeProfileJson } from "../src/profile/profileJson.js";
import type { ProfileJson } from "../src/profile/profileJson.js";
import { loadFirstPartyModules } from "../src/profile/projectModules.js";
import { StartupGraph } from "../src/profile/savings.js";
import type { ImportTimeNode } from "../src/profile/types.js";

// Compiled to dist/test/, the fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL("../../test/fixtures/", import.meta.url));
const PROGRAM = path.join(FIXTURES, "profile", "shared_dependency");

function readLog(name: string): ImportTimeNode[] {
  return parseImportTimeLog(fs.readFileSync(path.join(FIXTURES, "importtime", name), "utf8"));
}

/** `module(child, child)`, so a whole nesting reads in one line. */
function shape(nodes: readonly ImportTimeNode[]): string {
  return nodes.map((node) => (node.children.length ? `${node.module}(${shape(node.children)})` : node.module)).join(", ");
}

async function projectModules() {
  const project = loadProject({ paths: ["."], cwd: PROGRAM, overrides: {} });
  return loadFirstPartyModules(project, PROGRAM, []);
}

/** `python -X importtime -c "import app"` three times, Python 3.11, concatenated as `2>> log` would. */
const THREE_RUNS = "py311_shared_dependency_three_runs.log";

/** Each run of a concatenated log starts where the interpreter loads its first module again. */
function splitRuns(roots: ImportTimeNode[]): ImportTimeNode[][] {
  const runs: ImportTimeNode[][] = [];
  for (const root of roots) {
    if (root.module === roots[0].module) runs.push([]);
    runs.at(-1)!.push(root);
  }
  return runs;
}

test("three recorded runs of one program: a median per module, and one run's tree carrying the medians", () => {
  const roots = readLog(THREE_RUNS);
  const summary = summarizeImportTime(roots);
  assert.equal(summary.get("slowcore")?.samples, 3);
  assert.equal(summary.get("slowcore")?.selfUs, 82571);
  assert.equal(summary.get("slowframe")?.selfUs, 123448);

  const runs = splitRuns(roots);
  assert.deepEqual(runs.map((run) => run.at(-1)?.module), ["app", "app", "app"]);
  const tree = medianTree(runs);
  assert.equal(shape(programImports(tree)), "app(app.calc(slowcore), app.report(slowframe))");
  assert.deepEqual(programImports(tree)[0].children[1].children[0], { module: "slowframe", selfUs: 123448, cumulativeUs: 123448, children: [] });
});

test("a Python 3.8-style log of the same program gives the same program part", () => {
  const py38 = readLog("py38_style_shared_dependency.log");
  assert.equal(shape(programImports(py38)), "app(app.calc(slowcore), app.report(slowframe))");
  assert.ok(py38.some((root) => root.module === "site" && root.children.some((child) => child.module === "_bootlocale")));
});

test("each import statement of the project gets the modules first loaded under it", async () => {
  const firstParty = await projectModules();
  assert.deepEqual([...firstParty.keys()].sort(), ["app", "app.__main__", "app.broken", "app.calc", "app.report"]);
  const tree = medianTree(splitRuns(readLog(THREE_RUNS)));
  const { statements, byNode } = attributeImports(tree, firstParty);
  assert.deepEqual(
    statements.map((statement) => [statement.site.where, statement.site.text, shape(statement.nodes)]),
    [
      ["app/__init__.py:2", "from app import calc, report", "app.report(slowframe)"],
      ["app/report.py:2", "import slowframe", "slowframe"],
      ["app/__init__.py:2", "from app import calc, report", "app.calc(slowcore)"],
      ["app/calc.py:2", "import slowcore", "slowcore"],
    ],
  );
  const slowcore = programImports(tree)[0].children[0].children[0];
  assert.deepEqual(byNode.get(slowcore), { importer: "app.calc", site: firstParty.get("app.calc")?.sites[0] });
  assert.equal(byNode.get(tree.find((root) => root.module === "site")!)?.site, undefined);
});

test("savings from a recorded log and the project's statements; the recorded import graph knows slowframe needs slowcore", async () => {
  const firstParty = await projectModules();
  const roots = readLog(THREE_RUNS);
  const input = { modules: summarizeImportTime(roots), tree: medianTree(splitRuns(roots)), firstParty };
  const importSlowcore = firstParty.get("app.calc")!.sites[0].key;
  const importSlowframe = firstParty.get("app.report")!.sites[0].key;

  const fromTreeAlone = new StartupGraph(input);
  assert.equal(fromTreeAlone.saving([importSlowframe]).savedUs, 123448);
  // slowcore shows under app.calc only: from the tree alone it looks like app.calc's alone.
  assert.equal(fromTreeAlone.saving([importSlowcore]).savedUs, 82571);

  const withImports = new StartupGraph({ ...input, imports: new Map([["slowframe", ["slowcore", "time"]]]) });
  assert.equal(withImports.saving([importSlowcore]).savedUs, 0);
  assert.equal(withImports.saving([importSlowframe]).savedUs, 123448);
  assert.equal(withImports.saving([importSlowcore, importSlowframe]).savedUs, 82571 + 123448);
});

test("a profile JSON keeps what was profiled and the recorded import graph", () => {
  const tree = splitRuns(readLog(THREE_RUNS))[0];
  const profile: ProfileJson = {
    version: 1,
    python: { executable: "/usr/bin/python3", version: "3.11.7" },
    entry: { argv: ["/usr/bin/python3", "-m", "app"], main: "app.__main__" },
    modules: summarizeImportTime(tree),
    imports: new Map([["slowframe", ["slowcore", "time"]]]),
    tree,
  };
  const text = serializeProfileJson(profile);
  assert.deepEqual(Object.keys(JSON.parse(text)), ["version", "python", "entry", "modules", "imports", "tree"]);
  assert.deepEqual(parseProfileJson(text, "p.json"), profile);
  const withoutMain = serializeProfileJson({ ...profile, entry: { argv: ["python3", "-c", "import app"] } });
  assert.deepEqual(JSON.parse(withoutMain).entry, { argv: ["python3", "-c", "import app"] });
  assert.throws(() => parseProfileJson(text.replace('"argv": [', '"argv": [1, '), "p.json"), /entry\.argv must be an array of strings/);
  assert.throws(() => parseProfileJson(text.replace('"slowframe": [', '"slowframe": 3, "x": ['), "p.json"), /imports\["slowframe"\] must be an array of module names/);
});
