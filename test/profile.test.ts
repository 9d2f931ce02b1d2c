import { after, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { costTableFromSummary, loadCostTable } from "../src/profile/costs.js";
import { ProfileError } from "../src/profile/errors.js";
import { builtinEstimates } from "../src/profile/estimates.js";
import { parseImportTimeLog, summarizeImportTime } from "../src/profile/importtime.js";
import { parseProfileJson, serializeProfileJson } from "../src/profile/profileJson.js";
import type { ProfileJson } from "../src/profile/profileJson.js";
import type { ImportTimeNode } from "../src/profile/types.js";

// Compiled to dist/test/, the fixtures stay in the source tree.
const FIXTURES = fileURLToPath(new URL("../../test/fixtures/importtime/", import.meta.url));

function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

function readFixture(name: string): string {
  return fs.readFileSync(fixturePath(name), "utf8");
}

/** A tree as `module(child, child)`, so a whole nesting reads in one line. */
function shape(nodes: ImportTimeNode[]): string {
  return nodes.map((node) => (node.children.length ? `${node.module}(${shape(node.children)})` : node.module)).join(", ");
}

function findNode(nodes: ImportTimeNode[], module: string): ImportTimeNode | undefined {
  for (const node of nodes) {
    if (node.module === module) return node;
    const found = findNode(node.children, module);
    if (found) return found;
  }
  return undefined;
}

/** The action fails with a ProfileError whose message names `file`, then says `reason`. */
function assertProfileError(action: () => unknown, file: string, reason: RegExp): void {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof ProfileError, String(error));
    assert.equal(error.file, file);
    assert.ok(error.message.startsWith(`${file}: `), error.message);
    assert.match(error.message.slice(file.length + 2), reason);
    return true;
  });
}

const tempProjects: string[] = [];
after(() => tempProjects.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

function tempProject(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "pylazy-profile-"));
  tempProjects.push(folder);
  return folder;
}

function writeFile(file: string, text: string): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

const PROFILE_TEXT = `{
  "version": 1,
  "python": {
    "executable": "/usr/bin/python3",
    "version": "3.11.2"
  },
  "modules": {
    "app.models": {
      "self_us": 800,
      "cumulative_us": 1500,
      "samples": 5
    },
    "numpy": {
      "self_us": 4100,
      "cumulative_us": 98000,
      "samples": 5
    }
  }
}
`;

function profileWith(modules: Record<string, unknown>): string {
  return JSON.stringify({ version: 1, python: { executable: "python3", version: "3.12.1" }, modules });
}

test("an import adopts the deeper lines printed just before it as its children", () => {
  const roots = parseImportTimeLog(readFixture("py311_import_json_and_email_mime_text.log"));
  const json = findNode(roots, "json");
  assert.equal(shape(json ? [json] : []), "json(json.decoder(json.scanner(_json)), json.encoder)");
  assert.deepEqual(
    { selfUs: json?.selfUs, cumulativeUs: json?.cumulativeUs },
    { selfUs: 468, cumulativeUs: 3311 },
  );
  assert.deepEqual(
    roots.slice(-2).map((root) => root.module),
    ["json", "email.mime.text"],
  );
});

test("a Python 3.8 log parses into the same shape of tree", () => {
  const roots = parseImportTimeLog(readFixture("py38_import_json.log"));
  assert.equal(roots[0].module, "_frozen_importlib_external");
  assert.equal(shape(roots[0].children), "_io, marshal, posix");
  const json = roots.at(-1);
  assert.equal(json?.module, "json");
  assert.deepEqual(json?.children.map((child) => child.module), ["json.decoder", "json.encoder"]);
  assert.equal(json?.cumulativeUs, 25152);
  const sreCompile = findNode(roots, "sre_compile");
  assert.equal(shape(sreCompile ? [sreCompile] : []), "sre_compile(_sre, sre_parse(sre_constants))");
});

test("a Python 3.12 log parses into the same shape of tree", () => {
  const roots = parseImportTimeLog(readFixture("py312_import_json.log"));
  assert.equal(roots[0].module, "_frozen_importlib_external");
  const json = roots.at(-1);
  assert.equal(json?.module, "json");
  assert.deepEqual(json?.children.map((child) => child.module), ["json.decoder", "json.encoder"]);
  const reCompiler = findNode(roots, "re._compiler");
  assert.equal(shape(reCompiler ? [reCompiler] : []), "re._compiler(_sre, re._parser(re._constants), re._casefix)");
  assert.equal(json?.cumulativeUs, 28734);
});

test("cached lines of -X importtime=2 are skipped, so nothing is counted twice", () => {
  const roots = parseImportTimeLog(readFixture("py314_importtime2_cached.log"));
  assert.equal(shape(roots), "_frozen_importlib_external(_io, marshal, posix), json(json.decoder(json.scanner(_json)), json.encoder)");
  const summary = summarizeImportTime(roots);
  assert.deepEqual(summary.get("json.decoder"), { selfUs: 512, cumulativeUs: 1198, samples: 1 });
  assert.equal(summary.has("sys"), false);
});

test("program output, timestamps, tracebacks and CRLF around the entries are ignored", () => {
  const roots = parseImportTimeLog(readFixture("program_output_traceback_and_crlf.log"));
  assert.equal(shape(roots), "app(app.settings(app.util), numpy), app.plugins, app.missing");
  assert.equal(findNode(roots, "numpy")?.cumulativeUs, 98000);
});

test("lines of a log cut off in the middle of an import stay at the top level", () => {
  const roots = parseImportTimeLog(
    "import time:       10 |         10 |     leaf\nimport time:       20 |         30 |   inner\n",
  );
  assert.equal(shape(roots), "inner(leaf)");
});

test("a log without import time lines is a ProfileError naming the file", () => {
  assertProfileError(
    () => parseImportTimeLog(readFixture("no_importtime_lines.log"), "crash.log"),
    "crash.log",
    /^no "import time:" lines found/,
  );
});

test("concatenated runs give each module the median of its runs", () => {
  const summary = summarizeImportTime(parseImportTimeLog(readFixture("three_runs.log")));
  assert.deepEqual(summary.get("numpy"), { selfUs: 4000, cumulativeUs: 100000, samples: 3 });
  assert.deepEqual(summary.get("app"), { selfUs: 1100, cumulativeUs: 101000, samples: 3 });
  assert.deepEqual(summary.get("app.cache"), { selfUs: 400, cumulativeUs: 400, samples: 2 });
  assert.deepEqual(summary.get("encodings"), { selfUs: 610, cumulativeUs: 610, samples: 3 });
});

test("a profile JSON round-trips byte for byte, modules sorted by name", () => {
  const profile = parseProfileJson(PROFILE_TEXT, "profile.json");
  assert.deepEqual(profile.python, { executable: "/usr/bin/python3", version: "3.11.2" });
  assert.deepEqual(profile.modules.get("numpy"), { selfUs: 4100, cumulativeUs: 98000, samples: 5 });
  assert.equal(serializeProfileJson(profile), PROFILE_TEXT);

  const unsorted = profileWith({
    zlib: { samples: 1, cumulative_us: 2, self_us: 1 },
    abc: { self_us: 1, cumulative_us: 1, samples: 1 },
  });
  const reordered = parseProfileJson(unsorted, "p.json");
  assert.deepEqual(Object.keys(JSON.parse(serializeProfileJson(reordered)).modules), ["abc", "zlib"]);
});

test("a profile JSON keeps an optional import tree", () => {
  const tree = parseImportTimeLog(readFixture("py314_importtime2_cached.log"));
  const profile: ProfileJson = {
    version: 1,
    python: { executable: "python3", version: "3.13.0" },
    modules: summarizeImportTime(tree),
    tree,
  };
  const text = serializeProfileJson(profile);
  assert.match(text, /"cumulative_us": 2005,\n\s+"children"/);
  assert.deepEqual(parseProfileJson(text, "p.json"), profile);
});

test("a malformed profile JSON is a ProfileError naming the file and the field", () => {
  const cases: Array<[string, RegExp]> = [
    ["{ not json", /^invalid JSON/],
    ["[]", /^the profile must be an object, found \[\]/],
    [JSON.stringify({ version: 2, python: {}, modules: {} }), /^unsupported profile version 2/],
    [JSON.stringify({ version: 1, modules: {} }), /^python must be an object, found nothing/],
    [JSON.stringify({ version: 1, python: { version: "3.12" }, modules: {} }), /^python\.executable must be a string/],
    [
      profileWith({ numpy: { self_us: 1, cumulative_us: "98000", samples: 1 } }),
      /^modules\["numpy"\]\.cumulative_us must be a number, found "98000"/,
    ],
    [
      profileWith({ numpy: { self_us: -1, cumulative_us: 1, samples: 1 } }),
      /^modules\["numpy"\]\.self_us must be a number of microseconds, at least 0, found -1/,
    ],
    [
      profileWith({ numpy: { self_us: 1, cumulative_us: 1, samples: 0 } }),
      /^modules\["numpy"\]\.samples must be a whole number of runs/,
    ],
    [profileWith({ numpy: 5 }), /^modules\["numpy"\] must be an object, found 5/],
    [profileWith({ numpy: { self_us: 1, cumulative_us: 1, samples: 1 } }).replace("}}}", "}}, \"tree\": {}}"), /^tree must be an array/],
  ];
  for (const [text, reason] of cases) assertProfileError(() => parseProfileJson(text, "bad.json"), "bad.json", reason);
});

test("a submodule without an estimate of its own takes its nearest listed parent's, and says so", () => {
  const estimates = builtinEstimates();
  const numpy = estimates.lookup("numpy");
  assert.equal(numpy?.source, "estimate");
  assert.equal(numpy?.fallbackFrom, undefined);
  assert.deepEqual(estimates.lookup("numpy.linalg"), { ...numpy, module: "numpy.linalg", fallbackFrom: "numpy" });
  assert.equal(estimates.lookup("scipy.stats.distributions")?.fallbackFrom, "scipy.stats");
  assert.equal(estimates.lookup("scipy.stats")?.fallbackFrom, undefined);
  assert.equal(estimates.lookup("numpyro"), undefined);
  assert.equal(estimates.lookup("leftpad"), undefined);
  assert.equal(estimates.description, "built-in estimates");
  assert.ok([...estimates.modules()].includes("matplotlib.pyplot"));
});

test("a profile answers for what it measured and leaves the rest to marked estimates", () => {
  const table = costTableFromSummary(new Map([["numpy", { selfUs: 4100, cumulativeUs: 98000, samples: 5 }]]), "profile p.json");
  assert.deepEqual(table.lookup("numpy"), { module: "numpy", selfUs: 4100, cumulativeUs: 98000, source: "profile" });
  const linalg = table.lookup("numpy.linalg");
  assert.equal(linalg?.source, "estimate");
  assert.equal(linalg?.fallbackFrom, "numpy");
  assert.equal(table.lookup("pandas")?.source, "estimate");
  assert.ok([...table.modules()].includes("pandas"));
});

test("without any profile the built-in estimates are used", () => {
  const table = loadCostTable({ projectRoot: tempProject() });
  assert.equal(table.description, "built-in estimates");
  assert.equal(table.lookup("numpy")?.source, "estimate");
});

test("the project's .pylazy/profile.json comes before the estimates", () => {
  const root = tempProject();
  const file = writeFile(path.join(root, ".pylazy", "profile.json"), PROFILE_TEXT);
  const table = loadCostTable({ projectRoot: root });
  assert.equal(table.description, `profile ${file}`);
  assert.equal(table.lookup("app.models")?.source, "profile");
  assert.equal(table.lookup("numpy")?.cumulativeUs, 98000);
  assert.equal(table.lookup("pandas")?.source, "estimate");
});

test("a given profile comes before the project's, whatever kind of file it is", () => {
  const root = tempProject();
  writeFile(path.join(root, ".pylazy", "profile.json"), PROFILE_TEXT);

  const fromLog = loadCostTable({ projectRoot: root, profilePath: fixturePath("three_runs.log") });
  assert.equal(fromLog.description, `profile ${fixturePath("three_runs.log")}`);
  assert.deepEqual(fromLog.lookup("numpy"), { module: "numpy", selfUs: 4000, cumulativeUs: 100000, source: "profile" });
  assert.equal(fromLog.lookup("app.models"), undefined);

  const indentedJson = writeFile(path.join(root, "measured.txt"), `\n  ${profileWith({ numpy: { self_us: 1, cumulative_us: 7, samples: 1 } })}`);
  assert.equal(loadCostTable({ projectRoot: root, profilePath: indentedJson }).lookup("numpy")?.cumulativeUs, 7);
});

test("a log saved by PowerShell as UTF-16 reads like any other", () => {
  const root = tempProject();
  const file = path.join(root, "it.log");
  fs.writeFileSync(file, Buffer.from(`\uFEFF${readFixture("three_runs.log")}`, "utf16le"));
  assert.equal(loadCostTable({ projectRoot: root, profilePath: file }).lookup("numpy")?.cumulativeUs, 100000);
});

test("a profile that cannot be read or understood is a ProfileError naming it", () => {
  const root = tempProject();
  const missing = path.join(root, "missing.log");
  assertProfileError(() => loadCostTable({ projectRoot: root, profilePath: missing }), missing, /^cannot read the profile: no such file$/);
  assertProfileError(() => loadCostTable({ projectRoot: root, profilePath: root }), root, /^cannot read the profile: it is a directory$/);

  const broken = writeFile(path.join(root, ".pylazy", "profile.json"), '{"version": 1,');
  assertProfileError(() => loadCostTable({ projectRoot: root }), broken, /^invalid JSON/);
});
