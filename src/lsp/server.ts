import { format } from "node:util";
import { fileURLToPath } from "node:url";
import {
  CodeActionKind,
  CodeActionTriggerKind,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  ProposedFeatures,
  ShowMessageNotification,
  TextDocumentSyncKind,
} from "vscode-languageserver/node";
import type { ClientCapabilities, Connection, Diagnostic as LspDiagnostic, InitializeParams, InitializeResult } from "vscode-languageserver/node";
import type { FileAnalysis } from "../engine/lintSource.js";
import { lintSource } from "../engine/lintSource.js";
import { codeActions, FIX_ALL_KIND, overlaps } from "./codeActions.js";
import { toLspDiagnostic } from "./diagnostics.js";
import { OpenDocument } from "./documents.js";
import { hoverAt } from "./hover.js";
import { clientSettingsFrom, ProjectSettingsCache } from "./settings.js";
import type { ClientSettings, ProjectSettings } from "./settings.js";
import { PollingFileWatcher } from "./watch.js";

/**
 * Keystrokes closer together than this are linted once (when their diagnostics cannot be carried,
 * see incremental.ts); a keystroke after a quiet spell is linted at once.
 */
const CHANGE_DEBOUNCE_MS = 30;

/**
 * The files whose change changes what is reported, as the editor is asked to watch them: config
 * files, profiles, and the project's Python files, whose imports decide what is safe to defer.
 */
const WATCHED_GLOBS = ["**/pyproject.toml", "**/pylazy.toml", "**/.pylazy/profile.json", "**/*.py"];

export interface LanguageServerOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  version: string;
}

/** Serves pylazy's diagnostics, quick fixes and hovers over JSON-RPC until the client exits. */
export function startLanguageServer(options: LanguageServerOptions): Connection {
  const connection = createConnection(ProposedFeatures.all, options.input, options.output);
  logThroughProtocol(connection);
  // The process serves one editor: a promise nobody waits for must not end it.
  process.on("unhandledRejection", (reason) => connection.console.error(`internal error: ${describe(reason)}`));
  new PylazyLanguageServer(connection, options.version).listen();
  return connection;
}

/** stdout carries the protocol: anything printed there would corrupt it, so the console goes to the client's log. */
function logThroughProtocol(connection: Connection): void {
  console.log = (...args: unknown[]) => connection.console.log(format(...args));
  console.info = (...args: unknown[]) => connection.console.info(format(...args));
  console.debug = (...args: unknown[]) => connection.console.log(format(...args));
  console.warn = (...args: unknown[]) => connection.console.warn(format(...args));
  console.error = (...args: unknown[]) => connection.console.error(format(...args));
}

class PylazyLanguageServer {
  private readonly documents = new Map<string, OpenDocument>();
  private readonly pendingLints = new Map<string, NodeJS.Timeout>();
  /** When each document's last whole lint was started (performance.now()). */
  private readonly lintStarted = new Map<string, number>();
  private settings = new ProjectSettingsCache({}, process.cwd());
  private initializationSettings: ClientSettings = {};
  private capabilities: ClientCapabilities = {};
  /** Set when the editor cannot watch files for us. */
  private poller: PollingFileWatcher | undefined;
  /** Settings problems already shown, so that each is shown once rather than on every keystroke. */
  private readonly shownProblems = new Set<string>();
  /** Settles once the editor's settings are known; nothing is linted before. */
  private ready: Promise<void> = Promise.resolve();

  constructor(
    private readonly connection: Connection,
    private readonly version: string,
  ) {}

  listen(): void {
    const connection = this.connection;
    connection.onInitialize((params) => this.initialize(params));
    connection.onInitialized(() => {
      this.ready = this.start();
    });
    connection.onDidOpenTextDocument(({ textDocument }) => {
      const document = new OpenDocument(textDocument.uri, textDocument.version, textDocument.text);
      this.documents.set(document.uri, document);
      this.lintSoon(document, 0);
    });
    connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
      const document = this.documents.get(textDocument.uri);
      if (!document) return;
      const carried = document.applyChanges(contentChanges, textDocument.version);
      if (!carried) {
        const quiet = !this.pendingLints.has(document.uri) && performance.now() - (this.lintStarted.get(document.uri) ?? -Infinity) >= CHANGE_DEBOUNCE_MS;
        this.lintSoon(document, quiet ? 0 : CHANGE_DEBOUNCE_MS);
        return;
      }
      // The change cannot have changed what is reported: publish at once, with no lint to wait for.
      clearTimeout(this.pendingLints.get(document.uri));
      this.pendingLints.delete(document.uri);
      this.publish(document, carried.map((diagnostic) => toLspDiagnostic(diagnostic, document.uri)));
    });
    connection.onDidCloseTextDocument(({ textDocument }) => {
      clearTimeout(this.pendingLints.get(textDocument.uri));
      this.pendingLints.delete(textDocument.uri);
      this.lintStarted.delete(textDocument.uri);
      this.documents.delete(textDocument.uri);
      connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] }).catch(this.logFailure("clear diagnostics"));
    });
    // Without the editor's file watching, a save is when another module may have changed on disk.
    connection.onDidSaveTextDocument(() => {
      if (this.poller) this.reconfigure();
    });
    connection.onCodeAction(async ({ textDocument, range, context }) => {
      // The editor's own request as the cursor moves (VS Code's light bulb), on a range without a
      // diagnostic: no quick fix is due, and editors show no source action ("fix all") for it, so
      // there is nothing to offer and no reason to analyse a file whose diagnostics were carried.
      // A request that names source actions (fix on save does, automatically too) goes on.
      const published = this.documents.get(textDocument.uri)?.publishedDiagnostics();
      const asksForSource = context.only?.some((kind) => kind === "source" || kind.startsWith("source.")) === true;
      if (context.triggerKind === CodeActionTriggerKind.Automatic && !asksForSource && published?.every((diagnostic) => !overlaps(diagnostic.range, range))) return [];
      const linted = await this.lintedDocument(textDocument.uri);
      if (!linted) return [];
      const { analysis, settings } = linted;
      return codeActions(analysis, textDocument.uri, range, context.only, settings);
    });
    connection.onHover(async ({ textDocument, position }) => {
      const linted = await this.lintedDocument(textDocument.uri);
      if (!linted || position.line >= linted.analysis.lines.lineCount) return null;
      const offset = linted.analysis.lines.lineStart(position.line) + position.character;
      return hoverAt(linted.analysis, offset, linted.settings.costs.description);
    });
    connection.onDidChangeConfiguration(({ settings }) => {
      this.ready = this.loadClientSettings(settings).then(() => this.reconfigure());
    });
    connection.onDidChangeWatchedFiles(() => this.reconfigure());
    connection.onShutdown(() => {
      this.poller?.dispose();
      this.pendingLints.forEach((timer) => clearTimeout(timer));
      this.pendingLints.clear();
    });
    connection.listen();
  }

  private initialize(params: InitializeParams): InitializeResult {
    this.capabilities = params.capabilities;
    const options = params.initializationOptions as { settings?: unknown } | undefined;
    this.initializationSettings = clientSettingsFrom(options?.settings, (message) => this.connection.console.warn(message));
    this.settings = new ProjectSettingsCache(this.initializationSettings, workspaceRootOf(params));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        hoverProvider: true,
      },
      serverInfo: { name: "pylazy", version: this.version },
    };
  }

  /** After the handshake: ask to hear of settings and watched files, then read the editor's settings. */
  private async start(): Promise<void> {
    const workspace = this.capabilities.workspace;
    if (workspace?.didChangeConfiguration?.dynamicRegistration) {
      this.connection.client.register(DidChangeConfigurationNotification.type, { section: "pylazy" }).catch(this.logFailure("register for settings changes"));
    }
    if (workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      const watchers = WATCHED_GLOBS.map((globPattern) => ({ globPattern }));
      this.connection.client.register(DidChangeWatchedFilesNotification.type, { watchers }).catch(this.logFailure("register file watchers"));
    } else {
      this.poller = new PollingFileWatcher(() => this.reconfigure());
    }
    await this.loadClientSettings(undefined);
  }

  /**
   * The editor's settings: `initializationOptions.settings`, overridden by the `pylazy` section
   * of `workspace/configuration` when the editor has one, else by what it pushed (`pushed`).
   */
  private async loadClientSettings(pushed: unknown): Promise<void> {
    let section = (pushed as { pylazy?: unknown } | undefined)?.pylazy;
    if (this.capabilities.workspace?.configuration) {
      try {
        [section] = (await this.connection.workspace.getConfiguration([{ section: "pylazy" }])) as unknown[];
      } catch (error) {
        this.connection.console.error(`cannot read the editor's pylazy settings: ${describe(error)}`);
      }
    }
    const fromEditor = clientSettingsFrom(section, (message) => this.connection.console.warn(message));
    this.settings.setClientSettings({ ...this.initializationSettings, ...fromEditor });
  }

  /** A config file, a profile or the editor's settings changed: every open file is linted again. */
  private reconfigure(): void {
    this.settings.clear();
    this.shownProblems.clear();
    for (const document of this.documents.values()) {
      document.invalidateAnalysis();
      this.lintSoon(document, 0);
    }
  }

  private lintSoon(document: OpenDocument, delayMs: number): void {
    clearTimeout(this.pendingLints.get(document.uri));
    const timer = setTimeout(() => {
      this.pendingLints.delete(document.uri);
      this.lintStarted.set(document.uri, performance.now());
      void this.ready.then(() => {
        if (this.documents.get(document.uri) === document && document.currentAnalysis() === undefined) return this.lint(document);
      });
    }, delayMs);
    this.pendingLints.set(document.uri, timer);
  }

  /** The document linted as it is now, with the settings used (linting it first if it changed). */
  private async lintedDocument(uri: string): Promise<{ analysis: FileAnalysis; settings: ProjectSettings } | undefined> {
    const document = this.documents.get(uri);
    if (!document) return undefined;
    const settings = await this.settings.forFile(document.path);
    if (settings instanceof Error) return undefined;
    let analysis = document.currentAnalysis() ?? (await this.lint(document));
    // Diagnostics are published without fixes; code actions and hovers want them, now.
    if (analysis?.fixesSkipped) analysis = this.analyse(document, settings, false);
    return analysis && { analysis, settings };
  }

  /** Lints the document as it is now and records the analysis; undefined (and logged) on a pylazy bug. */
  private analyse(document: OpenDocument, settings: ProjectSettings, skipFixes: boolean): FileAnalysis | undefined {
    try {
      const analysis = lintSource(document.path ?? document.uri, document.text, document.fileModule, { ...settings.lintOptions, skipFixes }, document.tree);
      document.recordAnalysis(analysis);
      return analysis;
    } catch (error) {
      // A pylazy bug must not take the editor's server down; the next parse starts afresh.
      document.tree = undefined;
      this.connection.console.error(`internal error while linting ${document.uri}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return undefined;
    }
  }

  private async lint(document: OpenDocument): Promise<FileAnalysis | undefined> {
    const settings = await this.settings.forFile(document.path);
    this.poller?.watch(this.settings.watchedFiles());
    if (settings instanceof Error) {
      this.showProblem(settings.message);
      this.publish(document, []);
      return undefined;
    }
    // On every keystroke: the diagnostics only, fixes are planned when asked for (see lintedDocument).
    const analysis = this.analyse(document, settings, true);
    this.publish(document, analysis ? analysis.diagnostics.map((diagnostic) => toLspDiagnostic(diagnostic, document.uri)) : []);
    return analysis;
  }

  private publish(document: OpenDocument, diagnostics: LspDiagnostic[]): void {
    document.recordPublished(diagnostics);
    this.connection.sendDiagnostics({ uri: document.uri, version: document.version, diagnostics }).catch(this.logFailure("publish diagnostics"));
  }

  private showProblem(message: string): void {
    this.connection.console.error(message);
    if (this.shownProblems.has(message)) return;
    this.shownProblems.add(message);
    // A notification, not window/showMessageRequest: there is nothing to answer.
    this.connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Error, message: `pylazy: ${message}` }).catch(this.logFailure("show a message"));
  }

  private logFailure(what: string): (error: unknown) => void {
    return (error) => this.connection.console.error(`cannot ${what}: ${describe(error)}`);
  }
}

/** Where relative paths in the editor's settings start: the first workspace folder, else the root, else the cwd. */
function workspaceRootOf(params: InitializeParams): string {
  const uri = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
  if (uri?.startsWith("file:")) return fileURLToPath(uri);
  return params.rootPath ?? process.cwd();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
