import { test } from "node:test";
import assert from "node:assert/strict";
import type { FirstPartyModule, ImportSite } from "../src/profile/importSites.js";
import { summarizeImportTime } from "../src/profile/importtime.js";
import { StartupGraph } from "../src/profile/savings.js";
import type { StartupGraphInput } from "../src/profile/savings.js";
import type { ImportTimeNode } from "../src/profile/types.js";

/** A tree node whose cumulative time is its own plus its children's, as `-X importtime` reports. */
function node(module: string, selfMs: number, children: ImportTimeNode[] = []): ImportTimeNode {
  const cumulativeUs = selfMs * 1000 + children.reduce((total, child) => total + child.cumulativeUs, 0);
  return { module, selfUs: selfMs * 1000, cumulativeUs, children };
}

/** `site("app/calc.py:1", "import numpy", "numpy")`: a statement of the project and what it loads. */
function site(where: string, text: string, ...targets: string[]): ImportSite {
  const importer = where.replace(/\.py:\d+$/, "").replace(/\/__init__$/, "").replace(/\//g, ".");
  return { key: where, importer, targets, where, text };
}

function projectOf(...sites: ImportSite[]): Map<string, FirstPartyModule> {
  const modules = new Map<string, FirstPartyModule>();
  for (const statement of sites) {
    const known = modules.get(statement.importer) ?? { module: statement.importer, file: statement.where.split(":")[0], sites: [] };
    known.sites.push(statement);
    modules.set(statement.importer, known);
  }
  return modules;
}

function graphOf(tree: ImportTimeNode[], firstParty: Map<string, FirstPartyModule>, extra: Partial<StartupGraphInput> = {}): StartupGraph {
  return new StartupGraph({ modules: summarizeImportTime(tree), tree, firstParty, ...extra });
}

const savedMs = (graph: StartupGraph, ...keys: string[]): number => graph.saving(keys).savedUs / 1000;

// The project: app imports app.report (pandas) and app.calc (numpy); pandas needs numpy too.
const IMPORT_REPORT = site("app/__init__.py:1", "from app import report", "app", "app.report");
const IMPORT_CALC = site("app/__init__.py:2", "from app import calc", "app", "app.calc");
const IMPORT_PANDAS = site("app/report.py:1", "import pandas as pd", "pandas");
const IMPORT_NUMPY = site("app/calc.py:1", "import numpy as np", "numpy");
const PROJECT = projectOf(IMPORT_REPORT, IMPORT_CALC, IMPORT_PANDAS, IMPORT_NUMPY);

/** numpy shows under pandas, its first importer; app.calc found it loaded already. */
function pandasFirstTree(): ImportTimeNode[] {
  return [
    node("site", 3),
    node("app", 1, [node("app.report", 1, [node("pandas", 200, [node("numpy", 90, [node("numpy.linalg", 10)])])]), node("app.calc", 2)]),
  ];
}

test("deferring an import saves what only it loads", () => {
  const tree = [node("app", 1, [node("app.report", 1, [node("pandas", 200)]), node("app.calc", 2, [node("numpy", 100)])])];
  const graph = graphOf(tree, PROJECT);
  assert.equal(savedMs(graph, IMPORT_PANDAS.key), 200);
  assert.equal(savedMs(graph, IMPORT_NUMPY.key), 100);
  assert.deepEqual(graph.saving([IMPORT_PANDAS.key]).staying, []);
  assert.equal(graph.startupUs, 304_000);
});

test("two imports share a dependency: numpy used by pandas and by the project directly", () => {
  const graph = graphOf(pandasFirstTree(), PROJECT);

  const pandasAlone = graph.saving([IMPORT_PANDAS.key]);
  assert.equal(pandasAlone.savedUs, 200_000, "numpy stays: app/calc.py imports it");
  assert.deepEqual(pandasAlone.leaving, ["pandas"]);
  assert.deepEqual(
    pandasAlone.staying.map((kept) => [kept.module, kept.cumulativeUs, kept.keptBy?.where]),
    [["numpy", 100_000, "app/calc.py:1"]],
  );

  const numpyAlone = graph.saving([IMPORT_NUMPY.key]);
  assert.equal(numpyAlone.savedUs, 0, "pandas still imports numpy");
  assert.equal(numpyAlone.staying[0].keptBy?.where, "app/report.py:1");

  const both = graph.saving([IMPORT_PANDAS.key, IMPORT_NUMPY.key]);
  assert.equal(both.savedUs, 300_000);
  assert.deepEqual(both.leaving, ["pandas", "numpy", "numpy.linalg"]);
  assert.deepEqual(both.staying, []);
});

test("a dependency first loaded by the project is still known to be pandas' through the recorded import graph", () => {
  // app.calc runs first here, so -X importtime shows numpy under it and not under pandas.
  const tree = [node("app", 1, [node("app.calc", 2, [node("numpy", 100)]), node("app.report", 1, [node("pandas", 200)])])];
  const importsFirst = new Map([["pandas", ["numpy"]]]);

  assert.equal(savedMs(graphOf(tree, PROJECT), IMPORT_NUMPY.key), 100, "from the tree alone pandas looks independent of numpy");
  assert.equal(savedMs(graphOf(tree, PROJECT, { imports: importsFirst }), IMPORT_NUMPY.key), 0);
  assert.equal(savedMs(graphOf(tree, PROJECT, { closures: new Map([["pandas", ["pandas", "numpy"]]]) }), IMPORT_NUMPY.key), 0, "--measure closures say the same");
  assert.equal(savedMs(graphOf(tree, PROJECT, { imports: importsFirst }), IMPORT_NUMPY.key, IMPORT_PANDAS.key), 300);
});

test("the same module imported by two project modules leaves startup only when both imports are deferred", () => {
  const importInCli = site("app/cli.py:1", "import pandas", "pandas");
  const project = projectOf(IMPORT_REPORT, site("app/__init__.py:3", "from app import cli", "app", "app.cli"), IMPORT_PANDAS, importInCli);
  const tree = [node("app", 1, [node("app.report", 1, [node("pandas", 200)]), node("app.cli", 1)])];
  const graph = graphOf(tree, project);
  assert.equal(savedMs(graph, IMPORT_PANDAS.key), 0);
  assert.equal(graph.saving([IMPORT_PANDAS.key]).staying[0].keptBy?.where, "app/cli.py:1");
  assert.equal(savedMs(graph, importInCli.key), 0);
  assert.equal(savedMs(graph, IMPORT_PANDAS.key, importInCli.key), 200);
});

test("deferring a project module's import takes out what it imports, except what stays eager elsewhere", () => {
  const graph = graphOf(pandasFirstTree(), PROJECT);
  // Without app.report, pandas goes; numpy stays for app.calc.
  assert.equal(savedMs(graph, IMPORT_REPORT.key), 201);
  assert.deepEqual(graph.saving([IMPORT_REPORT.key]).leaving, ["pandas", "app.report"]);
});

test("importing a submodule keeps its package loaded", () => {
  const importLinalg = site("app/calc.py:2", "import numpy.linalg", "numpy.linalg");
  const project = projectOf(IMPORT_REPORT, IMPORT_CALC, IMPORT_PANDAS, IMPORT_NUMPY, importLinalg);
  const graph = graphOf(pandasFirstTree(), project);
  // With `import numpy` deferred, `import numpy.linalg` still loads numpy, and pandas does anyway.
  assert.equal(savedMs(graph, IMPORT_PANDAS.key, IMPORT_NUMPY.key), 200);
  assert.equal(savedMs(graph, IMPORT_PANDAS.key, IMPORT_NUMPY.key, importLinalg.key), 300);
});

test("what startup itself imports, or a project module loads without an import statement, stays", () => {
  const tree = [node("site", 3, [node("certifi", 20)]), node("app", 1, [node("app.calc", 2, [node("numpy", 100)]), node("plugins", 50)])];
  const project = projectOf(IMPORT_CALC, IMPORT_NUMPY, site("app/__init__.py:5", "import certifi", "certifi"));
  const graph = graphOf(tree, project);
  assert.equal(savedMs(graph, "app/__init__.py:5"), 0, "site's .pth file loads certifi first");
  // `plugins` came from importlib.import_module in app: no statement to defer, it stays.
  assert.ok(graph.loadedAtStartup.has("plugins"));
  assert.equal(savedMs(graph, IMPORT_CALC.key, IMPORT_NUMPY.key), 102);
});

test("with a __main__ module, its own imports are the top-level ones and can be deferred", () => {
  const mainImport = site("app/__main__.py:1", "import pandas", "pandas");
  const project = projectOf(mainImport, site("app/__main__.py:2", "import app.calc", "app.calc"), IMPORT_NUMPY);
  const tree = [node("site", 3), node("app", 1), node("pandas", 200), node("app.calc", 2, [node("numpy", 100)]), node("argparse", 5)];
  const graph = graphOf(tree, project, { main: "app.__main__" });
  assert.equal(savedMs(graph, mainImport.key), 200);
  assert.equal(savedMs(graph, IMPORT_NUMPY.key), 100);
  assert.ok(graph.loadedAtStartup.has("argparse"), "imported at runtime by a function __main__ called: stays");
  assert.equal(savedMs(graphOf(tree, project), mainImport.key), 0, "without knowing __main__, a top-level import is startup's own");
});

test("the statements that pull a module in: direct imports, and imports of what loads it", () => {
  const graph = graphOf(pandasFirstTree(), PROJECT);
  assert.deepEqual(graph.sitesPulling("numpy").map((pulling) => pulling.where), ["app/report.py:1", "app/calc.py:1"]);
  assert.deepEqual(graph.sitesPulling("pandas").map((pulling) => pulling.where), ["app/report.py:1"]);
  assert.equal(graph.site(IMPORT_NUMPY.key), IMPORT_NUMPY);
});
