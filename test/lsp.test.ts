import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from "vscode-jsonrpc/node";
import type { MessageConnection } from "vscode-jsonrpc/node";
import type {
  ClientCapabilities,
  CodeAction,
  Diagnostic,
  Hover,
  InitializeResult,
  PublishDiagnosticsParams,
  Range,
  TextDocumentContentChangeEvent,
  TextEdit,
} from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { cliPath, makeProject, repoRoot } from "./helpers/cli.js";

const REPORT_PY = readFileSync(path.join(repoRoot, "test", "fixtures", "editor", "report.py"), "utf8");
const WAIT_MS = 10_000;

const projects: string[] = [];
/** Servers started; one a failed assertion left running would keep the test process alive. */
const servers: ChildProcess[] = [];
after(() => {
  projects.forEach((root) => rmSync(root, { recursive: true, force: true }));
  servers.forEach((server) => server.kill());
});

function project(files: Record<string, string>, pyproject?: string): string {
  const root = makeProject(files, pyproject);
  projects.push(root);
  return root;
}

/** The editor's side: `pylazy lsp` as a child process, spoken to over stdio with vscode-jsonrpc. */
class EditorClient {
  readonly published: PublishDiagnosticsParams[] = [];
  readonly shownMessages: string[] = [];
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  private readonly waiters: (() => void)[] = [];
  private readonly documents = new Map<string, TextDocument>();

  private constructor(
    readonly server: ChildProcess,
    readonly connection: MessageConnection,
  ) {}

  static async start(root: string, options: { capabilities?: ClientCapabilities; configuration?: unknown; initializationOptions?: unknown } = {}): Promise<EditorClient> {
    const server = spawn(process.execPath, [cliPath, "lsp", "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
    const connection = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    servers.push(server);
    const client = new EditorClient(server, connection);
    connection.onNotification("textDocument/publishDiagnostics", (params: PublishDiagnosticsParams) => {
      client.published.push(params);
      client.waiters.splice(0).forEach((wake) => wake());
    });
    connection.onNotification("window/showMessage", (params: { message: string }) => {
      client.shownMessages.push(params.message);
    });
    connection.onNotification("window/logMessage", () => {});
    connection.onRequest("workspace/configuration", (params: { items: unknown[] }) => params.items.map(() => options.configuration ?? null));
    connection.onRequest("client/registerCapability", (params: { registrations: { method: string; registerOptions?: unknown }[] }) => {
      client.registrations.push(...params.registrations);
      return null;
    });
    connection.listen();
    const result = await connection.sendRequest<InitializeResult>("initialize", {
      processId: process.pid,
      rootUri: pathToFileURL(root).href,
      workspaceFolders: [{ uri: pathToFileURL(root).href, name: "project" }],
      capabilities: options.capabilities ?? {},
      initializationOptions: options.initializationOptions,
    });
    assert.equal(result.serverInfo?.name, "pylazy");
    await connection.sendNotification("initialized", {});
    return client;
  }

  async open(file: string): Promise<string> {
    const uri = pathToFileURL(file).href;
    const document = TextDocument.create(uri, "python", 1, readFileSync(file, "utf8"));
    this.documents.set(uri, document);
    await this.connection.sendNotification("textDocument/didOpen", { textDocument: { uri, languageId: "python", version: 1, text: document.getText() } });
    return uri;
  }

  text(uri: string): string {
    return this.documents.get(uri)!.getText();
  }

  /** Sends incremental changes, as an editor does on each keystroke, keeping its own copy in step. */
  async change(uri: string, changes: { range: Range; text: string }[]): Promise<number> {
    const before = this.documents.get(uri)!;
    const after = TextDocument.update(before, changes as TextDocumentContentChangeEvent[], before.version + 1);
    this.documents.set(uri, after);
    await this.connection.sendNotification("textDocument/didChange", { textDocument: { uri, version: after.version }, contentChanges: changes });
    return after.version;
  }

  /** Applies a code action's edit the way an editor does: every edit against the text as it was. */
  async apply(uri: string, action: CodeAction): Promise<number> {
    const edits: TextEdit[] = action.edit!.changes![uri];
    // Sent last edit first, each change's range stays valid for the text the change applies to.
    const ordered = [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
    return this.change(uri, ordered.map((edit) => ({ range: edit.range, text: edit.newText })));
  }

  /** The first diagnostics published for `uri` at `version` or later, after the `after` first notifications. */
  async diagnostics(uri: string, version: number, after = 0): Promise<Diagnostic[]> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.published.slice(after).find((params) => params.uri === uri && (params.version ?? 0) >= version);
      if (found) return found.diagnostics;
      const left = deadline - Date.now();
      if (left <= 0) assert.fail(`no diagnostics for ${uri} version ${version}; published: ${JSON.stringify(this.published)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** `triggerKind` 2 is the editor asking by itself, as the cursor moves (the light bulb). */
  codeActions(uri: string, range: Range, only?: string[], triggerKind?: 1 | 2): Promise<CodeAction[]> {
    return this.connection.sendRequest<CodeAction[]>("textDocument/codeAction", { textDocument: { uri }, range, context: { diagnostics: [], only, triggerKind } });
  }

  hover(uri: string, line: number, character: number): Promise<Hover | null> {
    return this.connection.sendRequest<Hover | null>("textDocument/hover", { textDocument: { uri }, position: { line, character } });
  }

  /** shutdown, then exit: the server must end by itself with status 0. */
  async stop(): Promise<number | null> {
    const exited = new Promise<number | null>((resolve) => this.server.once("exit", (code) => resolve(code)));
    assert.equal(await this.connection.sendRequest("shutdown"), null);
    await this.connection.sendNotification("exit");
    const code = await exited;
    this.connection.dispose();
    return code;
  }
}

const WITH_WATCHING: ClientCapabilities = {
  workspace: { configuration: true, didChangeWatchedFiles: { dynamicRegistration: true } },
  textDocument: { publishDiagnostics: { versionSupport: true } },
};

const messageOf = (diagnostic: Diagnostic): string => (typeof diagnostic.message === "string" ? diagnostic.message : diagnostic.message.value);

const endOf = (text: string): { line: number; character: number } => {
  const lines = text.split("\n");
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
};

test("the server publishes diagnostics on open, updates them on incremental changes, and applies a quick fix", async () => {
  const root = project({ "report.py": REPORT_PY });
  const client = await EditorClient.start(root, { capabilities: WITH_WATCHING });
  const uri = await client.open(path.join(root, "report.py"));

  const opened = await client.diagnostics(uri, 1);
  assert.deepEqual(
    opened.map((d) => [d.code, d.severity, d.range.start.line, d.source]),
    [["LZ001", 2, 2, "pylazy"]],
  );
  assert.match(messageOf(opened[0]), /`pandas` .* only used inside functions/);

  // A use while the module is imported turns LZ001 into LZ002.
  const end = endOf(client.text(uri));
  const used = await client.change(uri, [{ range: { start: end, end }, text: "\nEMPTY = pd.DataFrame()\n" }]);
  const usedDiagnostics = await client.diagnostics(uri, used);
  assert.deepEqual(usedDiagnostics.map((d) => d.code), ["LZ002"]);
  assert.match(messageOf(usedDiagnostics[0]), /line 13/);
  const neededHover = ((await client.hover(uri, 2, 0))?.contents as { value: string }).value;
  assert.match(neededHover, /Needed while the module is being imported: line 13\./);

  // Deleting it again, with a ranged change, brings LZ001 back.
  const removed = await client.change(uri, [{ range: { start: end, end: endOf(client.text(uri)) }, text: "" }]);
  assert.deepEqual((await client.diagnostics(uri, removed)).map((d) => d.code), ["LZ001"]);
  assert.equal(client.text(uri), REPORT_PY);

  const hover = await client.hover(uri, 2, 10);
  const hoverText = (hover?.contents as { value: string }).value;
  assert.match(hoverText, /`pandas`/);
  assert.match(hoverText, /estimated/);
  assert.match(hoverText, /inside functions: line 7/);

  const importLine = { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } };
  const actions = await client.codeActions(uri, importLine);
  const quickFixes = actions.filter((action) => action.kind === "quickfix");
  assert.deepEqual(
    quickFixes.map((action) => action.title),
    [
      "pylazy (LZ001): Move `import pandas as pd` into `load`",
      "pylazy (LZ001): Replace `import pandas as pd` with a LazyLoader module",
      "pylazy (LZ001): Replace `import pandas as pd` with a lazy module proxy",
    ],
  );
  assert.deepEqual(quickFixes.map((action) => action.isPreferred), [true, false, false]);
  assert.deepEqual(
    actions.filter((action) => action.kind === "source.fixAll.pylazy").map((action) => action.title),
    ["pylazy: Defer 1 heavy import in this file (function)"],
  );
  assert.deepEqual(await client.codeActions(uri, importLine, ["source.fixAll"]).then((only) => only.map((action) => action.kind)), ["source.fixAll.pylazy"]);

  const fixed = await client.apply(uri, quickFixes[0]);
  assert.deepEqual(await client.diagnostics(uri, fixed), []);
  assert.doesNotMatch(client.text(uri), /^import pandas/m);
  assert.match(client.text(uri), /def load\(path\):\n {4}import pandas as pd\n {4}return pd\.read_csv\(path\)\n/);

  assert.equal(await client.stop(), 0);
});

test("keystrokes in a statement the analysis does not read move the diagnostics after it, and a quick fix still works", async () => {
  const source = `${REPORT_PY}\nimport numpy as np\n\n\ndef table(n):\n    return np.zeros(n)\n`;
  const root = project({ "report.py": source });
  const client = await EditorClient.start(root, { capabilities: WITH_WATCHING });
  const uri = await client.open(path.join(root, "report.py"));
  const lines = (diagnostics: Diagnostic[]): [string | number | undefined, number][] => diagnostics.map((d) => [d.code, d.range.start.line]);
  assert.deepEqual(lines(await client.diagnostics(uri, 1)), [["LZ001", 2], ["LZ001", 12]]);

  // Two new lines typed into `dump`, which uses no heavy module: numpy's diagnostic moves down two lines.
  const dumpBody = { line: 10, character: 0 };
  let version = await client.change(uri, [{ range: { start: dumpBody, end: dumpBody }, text: "    frame = dict(frame)\n    print(frame)\n" }]);
  assert.deepEqual(lines(await client.diagnostics(uri, version)), [["LZ001", 2], ["LZ001", 14]]);
  // Typed one character at a time, in one notification, then deleted again.
  const typed = [..."xyz"].map((text, i) => ({ range: { start: { line: 11, character: 15 + i }, end: { line: 11, character: 15 + i } }, text }));
  version = await client.change(uri, typed);
  assert.deepEqual(lines(await client.diagnostics(uri, version)), [["LZ001", 2], ["LZ001", 14]]);
  assert.match(client.text(uri), /print\(framexyz\)/);
  version = await client.change(uri, [{ range: { start: { line: 10, character: 0 }, end: { line: 12, character: 0 } }, text: "" }]);
  assert.deepEqual(lines(await client.diagnostics(uri, version)), [["LZ001", 2], ["LZ001", 12]]);
  assert.equal(client.text(uri), source);

  // Code actions after carried diagnostics come from a whole analysis of the current text.
  version = await client.change(uri, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: "\n" }]);
  assert.deepEqual(lines(await client.diagnostics(uri, version)), [["LZ001", 2], ["LZ001", 13]]);
  const moved = { start: { line: 13, character: 0 }, end: { line: 13, character: 0 } };
  // The light bulb's own request away from any diagnostic gets nothing; on one, its quick fixes; asked for, "fix all" anywhere.
  const inDump = { start: { line: 10, character: 8 }, end: { line: 10, character: 8 } };
  const publishedBefore = client.published.length;
  assert.deepEqual(await client.codeActions(uri, inDump, undefined, 2), []);
  // Answered without linting the file again (a lint publishes its diagnostics before it answers).
  assert.equal(client.published.length, publishedBefore);
  assert.ok((await client.codeActions(uri, moved, undefined, 2)).some((action) => action.kind === "quickfix"));
  assert.deepEqual((await client.codeActions(uri, inDump, undefined, 1)).map((action) => action.kind), ["source.fixAll.pylazy"]);
  // Fix on save asks automatically too, naming the kind.
  assert.deepEqual((await client.codeActions(uri, inDump, ["source.fixAll"], 2)).map((action) => action.kind), ["source.fixAll.pylazy"]);
  const quickFix = (await client.codeActions(uri, moved)).find((action) => action.kind === "quickfix" && action.isPreferred);
  assert.equal(quickFix?.title, "pylazy (LZ001): Move `import numpy as np` into `table`");
  const fixed = await client.apply(uri, quickFix!);
  assert.deepEqual(lines(await client.diagnostics(uri, fixed)), [["LZ001", 2]]);
  assert.match(client.text(uri), /def table\(n\):\n {4}import numpy as np\n {4}return np\.zeros\(n\)\n/);

  assert.equal(await client.stop(), 0);
});

test("fix all in file rewrites every fixable import with the configured strategy", async () => {
  const root = project({ "report.py": REPORT_PY }, '[tool.pylazy]\nstrategy = "lazymodule"\n');
  const client = await EditorClient.start(root);
  const uri = await client.open(path.join(root, "report.py"));
  await client.diagnostics(uri, 1);
  const [fixAll] = await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ["source.fixAll.pylazy"]);
  assert.equal(fixAll.title, "pylazy: Defer 1 heavy import in this file (lazymodule)");
  const version = await client.apply(uri, fixAll);
  assert.deepEqual(await client.diagnostics(uri, version), []);
  assert.doesNotMatch(client.text(uri), /^import pandas as pd$/m);
  assert.match(client.text(uri), /^pd = /m);
  assert.equal(await client.stop(), 0);
});

test("with strategy auto, the quick fix preferred is the one auto chose", async () => {
  const root = project({ "report.py": REPORT_PY }, '[tool.pylazy]\nstrategy = "auto"\n');
  const client = await EditorClient.start(root);
  const uri = await client.open(path.join(root, "report.py"));
  await client.diagnostics(uri, 1);
  const quickFixes = await client.codeActions(uri, { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, ["quickfix"]);
  // Below 3.15, auto defers `import x` with a LazyLoader proxy.
  assert.deepEqual(
    quickFixes.filter((action) => action.isPreferred).map((action) => action.title),
    ["pylazy (LZ001): Replace `import pandas as pd` with a LazyLoader module"],
  );
  assert.equal(await client.stop(), 0);
});

test("an import another module of the project reaches is not moved into functions, until that module changes", async () => {
  const root = project({ "report.py": REPORT_PY, "other.py": "from report import pd\n\nprint(pd)\n" });
  const client = await EditorClient.start(root, { capabilities: WITH_WATCHING });
  const uri = await client.open(path.join(root, "report.py"));
  await client.diagnostics(uri, 1);
  const importLine = { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } };
  const titles = async (): Promise<string[]> => (await client.codeActions(uri, importLine, ["quickfix"])).map((action) => action.title);
  assert.deepEqual(await titles(), [
    "pylazy (LZ001): Replace `import pandas as pd` with a LazyLoader module",
    "pylazy (LZ001): Replace `import pandas as pd` with a lazy module proxy",
  ]);

  const before = client.published.length;
  writeFileSync(path.join(root, "other.py"), "print('no longer imports pd')\n");
  await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(path.join(root, "other.py")).href, type: 2 }] });
  await client.diagnostics(uri, 1, before);
  assert.equal((await titles())[0], "pylazy (LZ001): Move `import pandas as pd` into `load`");
  assert.equal(await client.stop(), 0);
});

test("a file that does not parse gets a syntax-error diagnostic, and the server recovers when it is fixed", async () => {
  const root = project({ "broken.py": "import pandas as pd\n\ndef load(path:\n    return pd.read_csv(path)\n" });
  const client = await EditorClient.start(root);
  const uri = await client.open(path.join(root, "broken.py"));
  const broken = await client.diagnostics(uri, 1);
  assert.equal(broken.length, 1);
  assert.equal(broken[0].severity, 1);
  assert.match(messageOf(broken[0]), /^SyntaxError/);
  assert.deepEqual(await client.codeActions(uri, broken[0].range), []);
  assert.equal(await client.hover(uri, 0, 3), null);

  const fixedVersion = await client.change(uri, [{ range: { start: { line: 2, character: 13 }, end: { line: 2, character: 13 } }, text: ")" }]);
  assert.deepEqual((await client.diagnostics(uri, fixedVersion)).map((d) => d.code), ["LZ001"]);
  assert.equal(await client.stop(), 0);
});

test("a type stub (.pyi) gets no diagnostics, where the same text in a .py file does", async () => {
  const text = "import numpy as np\n\ndef zeros(n: int) -> np.ndarray: ...\n";
  const root = project({ "arrays.pyi": text, "arrays_impl.py": text });
  const client = await EditorClient.start(root);
  const module = await client.open(path.join(root, "arrays_impl.py"));
  assert.deepEqual((await client.diagnostics(module, 1)).map((d) => d.code), ["LZ002"]);
  const stub = await client.open(path.join(root, "arrays.pyi"));
  assert.deepEqual(await client.diagnostics(stub, 1), []);
  assert.equal(await client.stop(), 0);
});

test("settings come from pyproject.toml, then initializationOptions, then workspace/configuration", async () => {
  const root = project({ "report.py": REPORT_PY }, "[tool.pylazy]\nthreshold = 1000\n");
  const fromPyproject = await EditorClient.start(root);
  const quiet = await fromPyproject.open(path.join(root, "report.py"));
  assert.deepEqual(await fromPyproject.diagnostics(quiet, 1), []);
  assert.equal(await fromPyproject.stop(), 0);

  const fromInitialization = await EditorClient.start(root, { initializationOptions: { settings: { threshold: 100 } } });
  const loud = await fromInitialization.open(path.join(root, "report.py"));
  assert.deepEqual((await fromInitialization.diagnostics(loud, 1)).map((d) => d.code), ["LZ001"]);
  assert.equal(await fromInitialization.stop(), 0);

  const fromConfiguration = await EditorClient.start(root, {
    capabilities: { workspace: { configuration: true } },
    initializationOptions: { settings: { threshold: 100 } },
    configuration: { threshold: 2000, select: null },
  });
  const configured = await fromConfiguration.open(path.join(root, "report.py"));
  assert.deepEqual(await fromConfiguration.diagnostics(configured, 1), []);
  assert.equal(await fromConfiguration.stop(), 0);
});

test("a broken pyproject.toml is shown to the user once and nothing is linted", async () => {
  const root = project({ "report.py": REPORT_PY }, "[tool.pylazy]\nthreshold = 'fast'\n");
  const client = await EditorClient.start(root);
  const uri = await client.open(path.join(root, "report.py"));
  assert.deepEqual(await client.diagnostics(uri, 1), []);
  const version = await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: "\n" }]);
  await client.diagnostics(uri, version);
  assert.equal(client.shownMessages.length, 1);
  assert.match(client.shownMessages[0], /pyproject\.toml: `tool\.pylazy\.threshold` must be a number/);
  assert.equal(await client.stop(), 0);
});

/** Measured costs: pandas far below the 10 ms threshold. */
const CHEAP_PANDAS_PROFILE = JSON.stringify({ version: 1, python: { executable: "python3", version: "3.11.7" }, modules: { pandas: { self_us: 900, cumulative_us: 2000, samples: 1 } } });

test("a new .pylazy/profile.json is picked up through the editor's file watching", async () => {
  const root = project({ "report.py": REPORT_PY });
  const client = await EditorClient.start(root, { capabilities: WITH_WATCHING });
  const uri = await client.open(path.join(root, "report.py"));
  assert.deepEqual((await client.diagnostics(uri, 1)).map((d) => d.code), ["LZ001"]);
  const watched = client.registrations.find((registration) => registration.method === "workspace/didChangeWatchedFiles");
  assert.ok(JSON.stringify(watched?.registerOptions).includes("**/.pylazy/profile.json"));

  const before = client.published.length;
  mkdirSync(path.join(root, ".pylazy"));
  writeFileSync(path.join(root, ".pylazy", "profile.json"), CHEAP_PANDAS_PROFILE);
  await client.connection.sendNotification("workspace/didChangeWatchedFiles", { changes: [{ uri: pathToFileURL(path.join(root, ".pylazy", "profile.json")).href, type: 1 }] });
  assert.deepEqual(await client.diagnostics(uri, 1, before), []);
  assert.equal(await client.stop(), 0);
});

test("without the editor's file watching, the server notices a new .pylazy/profile.json itself", async () => {
  const root = project({ "report.py": REPORT_PY });
  const client = await EditorClient.start(root);
  const uri = await client.open(path.join(root, "report.py"));
  assert.deepEqual((await client.diagnostics(uri, 1)).map((d) => d.code), ["LZ001"]);
  assert.deepEqual(client.registrations, []);

  const before = client.published.length;
  mkdirSync(path.join(root, ".pylazy"));
  writeFileSync(path.join(root, ".pylazy", "profile.json"), CHEAP_PANDAS_PROFILE);
  assert.deepEqual(await client.diagnostics(uri, 1, before), []);
  assert.equal(await client.stop(), 0);
});
