import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { makeProject, repoRoot, runCli } from "./helpers/cli.js";

const REPORT_PY = readFileSync(path.join(repoRoot, "test", "fixtures", "editor", "report.py"), "utf8");
/** `pd` is needed while the module is imported: LZ002, with the line of that use. */
const IMPORT_TIME_USE_PY = "import pandas as pd\n\nEMPTY = pd.DataFrame()\n";
const BROKEN_PY = "import pandas as pd\n\ndef load(path:\n    return pd.read_csv(path)\n";

const projects: string[] = [];
after(() => projects.forEach((root) => rmSync(root, { recursive: true, force: true })));

function project(files: Record<string, string | Buffer>, pyproject?: string): string {
  const root = makeProject(files, pyproject);
  projects.push(root);
  return root;
}

/** The official SARIF 2.1.0 schema (JSON Schema draft-04), with its `uri` and `date-time` formats checked. */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(path.resolve(repoRoot, "..", "shared", "schemas", "sarif-2.1.0.json"), "utf8")) as Record<string, unknown>;
  const ajv = new Ajv.default({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

interface JsonDiagnostic {
  code: string | null;
  name: string;
  message: string;
  filename: string;
  location: { row: number; column: number };
  end_location: { row: number; column: number };
  fix: { edits: { content: string; location: { row: number; column: number } }[] } | null;
}

interface SarifLog {
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; name: string; help: { markdown: string } }[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[];
      relatedLocations?: { physicalLocation: { region: Record<string, number> } }[];
      fixes?: { artifactChanges: { replacements: { deletedRegion: Record<string, number>; insertedContent: { text: string } }[] }[] }[];
    }[];
  }[];
}

test("--format sarif writes a SARIF 2.1.0 log that the official schema accepts, with rules, locations and fixes", () => {
  const root = project({ "app/report.py": REPORT_PY, "app/startup.py": IMPORT_TIME_USE_PY, "app/broken.py": BROKEN_PY });
  const { status, stdout } = runCli(["lint", "--format", "sarif"], root);
  assert.equal(status, 1);
  const log = JSON.parse(stdout) as SarifLog;
  const validate = sarifValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));

  const [run] = log.runs;
  assert.equal(run.tool.driver.name, "pylazy");
  const rule = run.tool.driver.rules.find(({ id }) => id === "LZ001");
  assert.equal(rule?.name, "heavy-module-level-import");
  assert.match(rule?.help.markdown ?? "", /## Why is this bad\?/);

  const byRule = new Map(run.results.map((result) => [result.ruleId, result]));
  assert.deepEqual([...byRule.keys()].sort(), ["LZ001", "LZ002"]);
  const deferrable = byRule.get("LZ001")!;
  assert.equal(run.tool.driver.rules[deferrable.ruleIndex].id, "LZ001");
  assert.equal(deferrable.level, "warning");
  assert.deepEqual(deferrable.locations[0].physicalLocation.artifactLocation, { uri: "app/report.py", uriBaseId: "%SRCROOT%" });
  assert.deepEqual(deferrable.locations[0].physicalLocation.region, { startLine: 3, startColumn: 1, endLine: 3, endColumn: 20 });

  // The fix is the one `--format json` describes, edit for edit.
  const json = JSON.parse(runCli(["lint", "--format", "json", "app/report.py"], root).stdout) as JsonDiagnostic[];
  const replacements = deferrable.fixes![0].artifactChanges[0].replacements;
  assert.deepEqual(
    replacements.map((r) => [r.deletedRegion.startLine, r.deletedRegion.startColumn, r.insertedContent.text]),
    json[0].fix!.edits.map((edit) => [edit.location.row, edit.location.column, edit.content]),
  );

  const neededAtImportTime = byRule.get("LZ002")!;
  assert.equal(neededAtImportTime.fixes, undefined);
  assert.equal(neededAtImportTime.relatedLocations?.[0].physicalLocation.region.startLine, 3);

  // The file that does not parse is a notification: pylazy could not look at it.
  const [invocation] = run.invocations;
  assert.equal(invocation.executionSuccessful, true);
  assert.deepEqual(
    invocation.toolExecutionNotifications.map((n) => [n.level, n.locations[0].physicalLocation.artifactLocation.uri]),
    [["error", "app/broken.py"]],
  );
  assert.match(invocation.toolExecutionNotifications[0].message.text, /^SyntaxError/);
});

test("a path pylazy cannot read makes the SARIF invocation unsuccessful, and the log still validates", () => {
  const root = project({ "report.py": REPORT_PY, "latin.py": Buffer.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]) });
  const { status, stdout } = runCli(["lint", "--format", "sarif"], root);
  assert.equal(status, 2);
  const log = JSON.parse(stdout) as SarifLog;
  const validate = sarifValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const [invocation] = log.runs[0].invocations;
  assert.equal(invocation.executionSuccessful, false);
  assert.deepEqual(invocation.toolExecutionNotifications.map((n) => n.locations[0].physicalLocation.artifactLocation.uri), ["latin.py"]);
  assert.equal(log.runs[0].results.length, 1);
});

test("--output-file writes the report there instead of stdout, making its folder", () => {
  const root = project({ "report.py": REPORT_PY });
  const { status, stdout } = runCli(["lint", "--format", "sarif", "--output-file", "reports/pylazy.sarif"], root);
  assert.equal(status, 1);
  assert.equal(stdout, "");
  const log = JSON.parse(readFileSync(path.join(root, "reports", "pylazy.sarif"), "utf8")) as SarifLog;
  assert.equal(log.runs[0].results[0].ruleId, "LZ001");

  const unwritable = runCli(["lint", "--output-file", "report.py/inside"], root);
  assert.equal(unwritable.status, 2);
  assert.match(unwritable.stderr, /cannot write .*inside/);
});

test("--format github prints one workflow annotation a finding, escaped as GitHub's toolkit does", () => {
  const root = project({ "report.py": REPORT_PY, "odd, name: here.py": IMPORT_TIME_USE_PY, "broken.py": BROKEN_PY });
  const { status, stdout } = runCli(["lint", "--format", "github"], root);
  assert.equal(status, 1);
  const json = JSON.parse(runCli(["lint", "--format", "json"], root).stdout) as JsonDiagnostic[];
  assert.equal(json.length, 3);
  const escapedFile = (name: string): string => (name === "odd, name: here.py" ? "odd%2C name%3A here.py" : name);
  const expected = json.map((d) => {
    const where = `file=${escapedFile(d.filename)},line=${d.location.row},col=${d.location.column},endLine=${d.end_location.row},endColumn=${d.end_location.column}`;
    if (d.code === null) return `::error ${where},title=pylazy (syntax error)::${d.message}`;
    return `::warning ${where},title=pylazy (${d.code} ${d.name})::${d.code}${d.fix ? " [*]" : ""} ${d.message}`;
  });
  assert.deepEqual(stdout.split("\n"), [...expected, ""]);
  assert.match(stdout, /^::warning file=report\.py,line=3,col=1,endLine=3,endColumn=20,title=pylazy \(LZ001 heavy-module-level-import\)::LZ001 \[\*\] `pandas`/m);
});

test("the format can come from [tool.pylazy]", () => {
  const root = project({ "report.py": REPORT_PY }, '[tool.pylazy]\nformat = "github"\n');
  assert.match(runCli(["lint"], root).stdout, /^::warning file=report\.py,line=3,/);
});
