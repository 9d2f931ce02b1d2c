import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { makeProject, runCli } from "./helpers/cli.js";

// A use inside a module-level function that the module itself calls while it is imported runs at
// import time (src/analysis/importTimeCalls.ts): LZ002, not LZ001, and no fix, since deferring the
// import there would save nothing. Python shows it: the import moved into the function (what
// LZ001's fix would write) still loads the module when the module is imported.

const HEAVY = fileURLToPath(new URL("../../test/fixtures/runtime/_heavy/", import.meta.url));
const COSTS = fileURLToPath(new URL("../../test/fixtures/runtime/costs.log", import.meta.url));

/** A project with the heavy stand-ins beside `mod.py`, and their costs. */
function project(source: string): string {
  const root = makeProject({ "mod.py": source });
  fs.cpSync(HEAVY, root, { recursive: true });
  fs.copyFileSync(COSTS, path.join(root, "costs.log"));
  return root;
}

/** The heavy stand-ins whose bodies ran once `python3 -c "import mod"` returned. */
function loadedByImport(root: string, module = "mod"): string[] {
  const run = spawnSync("python3", ["-c", `import ${module}, importlog, json; print(json.dumps(sorted(set(importlog.LOADED))))`], { cwd: root, encoding: "utf8", env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout.trim()) as string[];
}

function lint(root: string): { codes: string[]; stdout: string; status: number | null } {
  const run = runCli(["lint", "mod.py", "--profile", "costs.log", "--format", "json", "--no-cache"], root);
  const diagnostics = JSON.parse(run.stdout) as { code: string; message: string }[];
  return { codes: diagnostics.map((diagnostic) => diagnostic.code), stdout: diagnostics.map((diagnostic) => diagnostic.message).join("\n"), status: run.status };
}

const CALLED = `import heavy_a


def make():
    return heavy_a.double(21)


TABLE = make()
`;

test("a use in a function the module calls at import time is LZ002, named with the call's line, and fix leaves the file as it is", () => {
  const root = project(CALLED);
  const linted = lint(root);
  assert.deepEqual(linted.codes, ["LZ002"]);
  assert.match(linted.stdout, /`heavy_a` \(50 ms\) is needed at import time: `heavy_a` is used in `make\(\)` on line 5, called at import time on line 8/);
  assert.equal(linted.status, 1);
  const fix = runCli(["fix", "mod.py", "--profile", "costs.log"], root);
  assert.equal(fix.status, 0, fix.stdout + fix.stderr);
  assert.match(fix.stdout, /0 files changed; deferred 0 imports/);
  assert.equal(fs.readFileSync(path.join(root, "mod.py"), "utf8"), CALLED);
  // What deferring would have given: the import in make(), which importing mod still runs.
  assert.deepEqual(loadedByImport(root), ["heavy_a"]);
  fs.writeFileSync(path.join(root, "mod.py"), CALLED.replace("import heavy_a\n", "").replace("def make():\n", "def make():\n    import heavy_a\n"));
  assert.deepEqual(loadedByImport(root), ["heavy_a"]);
});

test("a class the module instantiates at import time runs its constructor then: LZ002 naming the constructor and the call", () => {
  const cases = {
    __init__: "import heavy_a\n\nclass App:\n    def __init__(self):\n        self.value = heavy_a.VALUE\n\n    def later(self):\n        return 1\n\nAPP = App()\n",
    __new__: "import heavy_a\n\nclass Token(int):\n    def __new__(cls, value):\n        return super().__new__(cls, heavy_a.double(value))\n\nONE = Token(1)\n",
    __post_init__: "import dataclasses\nimport heavy_a\n\n@dataclasses.dataclass\nclass Point:\n    x: int\n\n    def __post_init__(self):\n        self.x = heavy_a.double(self.x)\n\nORIGIN = Point(0)\n",
  };
  for (const [method, source] of Object.entries(cases)) {
    const root = project(source);
    const linted = lint(root);
    assert.deepEqual(linted.codes, ["LZ002"], method);
    assert.match(linted.stdout, new RegExp(`is used in \`\\w+\\.${method}\\(\\)\` on line \\d+, run by \`\\w+\\(\\)\` at import time on line \\d+`), method);
    assert.deepEqual(loadedByImport(root), ["heavy_a"], method);
  }
  // Another method, which the call does not run, is deferred as before: LZ001, and the fix imports nothing heavy.
  const root = project("import heavy_a\n\nclass App:\n    def __init__(self):\n        self.value = 1\n\n    def later(self):\n        return heavy_a.VALUE\n\nAPP = App()\n");
  assert.deepEqual(lint(root).codes, ["LZ001"]);
  assert.equal(runCli(["fix", "mod.py", "--profile", "costs.log"], root).status, 0);
  assert.deepEqual(loadedByImport(root), []);
});

test("a function named as a decorator runs at import time, and so does one called from a default argument (a lambda's too) or inside an if or try", () => {
  const cases = {
    decorator: "import heavy_a\n\ndef register(f):\n    heavy_a.double(1)\n    return f\n\n@register\ndef g():\n    pass\n",
    "decorator call": "import heavy_a\n\ndef register(name):\n    heavy_a.double(1)\n    return lambda f: f\n\n@register('g')\ndef g():\n    pass\n",
    "default argument": "import heavy_a\n\ndef make():\n    return heavy_a.VALUE\n\ndef g(x=make()):\n    return x\n",
    "if and try": "import sys\nimport heavy_a\n\ndef make():\n    return [heavy_a.VALUE for _ in range(2)]\n\nif sys:\n    try:\n        X = make()\n    except Exception:\n        pass\n",
    "lambda default": "import heavy_a\n\ndef make():\n    return heavy_a.VALUE\n\nLATER = lambda x=make(): x\n",
  };
  for (const [name, source] of Object.entries(cases)) {
    const root = project(source);
    assert.deepEqual(lint(root).codes, ["LZ002"], name);
    assert.deepEqual(loadedByImport(root), ["heavy_a"], name);
  }
});

test('calls under `if __name__ == "__main__":` or `if TYPE_CHECKING:`, in function bodies and lambdas run later or never: LZ001, and the fixed module imports nothing heavy', () => {
  const cases = {
    "main guard": `import heavy_a\n\ndef doubled(x):\n    return heavy_a.double(x)\n\nif __name__ == "__main__":\n    print(doubled(2))\n`,
    "main guard with and": `import sys\nimport heavy_a\n\ndef doubled(x):\n    return heavy_a.double(x)\n\nif __name__ == '__main__' and len(sys.argv) > 0:\n    print(doubled(2))\n`,
    "function body": "import heavy_a\n\ndef doubled(x):\n    return heavy_a.double(x)\n\ndef main():\n    return doubled(2)\n",
    lambda: "import heavy_a\n\ndef doubled(x):\n    return heavy_a.double(x)\n\nLATER = lambda: doubled(2)\n",
    "TYPE_CHECKING": "from typing import TYPE_CHECKING\nimport heavy_a\n\ndef doubled(x):\n    return heavy_a.double(x)\n\nif TYPE_CHECKING:\n    X = doubled(2)\n",
    "nested function": "import heavy_a\n\ndef outer():\n    def inner():\n        return heavy_a.double(2)\n    return inner\n\nINNER = outer()\n",
  };
  for (const [name, source] of Object.entries(cases)) assertDeferredAndFixed(name, source);
});

/**
 * `source` is LZ001; `pylazy fix` rewrites it so that importing it loads nothing heavy, and, run as
 * a program, it prints what it printed before.
 */
function assertDeferredAndFixed(name: string, source: string): void {
  const root = project(source);
  assert.deepEqual(lint(root).codes, ["LZ001"], name);
  const env = { ...process.env, PYTHONDONTWRITEBYTECODE: "1" };
  const script = spawnSync("python3", ["mod.py"], { cwd: root, encoding: "utf8", env });
  assert.equal(script.status, 0, script.stderr);
  const fix = runCli(["fix", "mod.py", "--profile", "costs.log"], root);
  assert.equal(fix.status, 0, `${name}: ${fix.stdout}${fix.stderr}`);
  assert.match(fix.stdout, /1 file changed/, name);
  assert.deepEqual(loadedByImport(root), [], name);
  const fixedScript = spawnSync("python3", ["mod.py"], { cwd: root, encoding: "utf8", env });
  assert.equal(fixedScript.status, 0, fixedScript.stderr);
  assert.equal(fixedScript.stdout, script.stdout, name);
}

test("a lazy import used in a function the module calls at import time is LZ004", () => {
  const root = project("lazy import heavy_a\n\ndef make():\n    return heavy_a.VALUE\n\nX = make()\n");
  const linted = lint(root);
  assert.deepEqual(linted.codes, ["LZ004"]);
  assert.match(linted.stdout, /`heavy_a` is used in `make\(\)` on line 4, called at import time on line 6, which loads it at startup/);
});

test("a use reached through other functions, or from a class body, runs at import time: LZ002 naming the function called then, and deferring the import saves nothing", () => {
  const cases: Record<string, { source: string; message: RegExp; into: string }> = {
    "two functions deep": {
      source: "import heavy_a\n\n\ndef helper():\n    return heavy_a.double(2)\n\n\ndef make():\n    return helper()\n\n\nTABLE = make()\n",
      message: /`heavy_a` is used in `helper\(\)` on line 5, reached from `make\(\)`, called at import time on line 12/,
      into: "def helper():\n",
    },
    "three deep, through a constructor": {
      source: "import heavy_a\n\n\ndef helper():\n    return heavy_a.double(2)\n\n\nclass App:\n    def __init__(self):\n        self.value = helper()\n\n\ndef make():\n    return App()\n\n\nAPP = make()\n",
      message: /`heavy_a` is used in `helper\(\)` on line 5, reached from `make\(\)`, called at import time on line 17/,
      into: "def helper():\n",
    },
    "a method's decorator in a class body": {
      source: "import heavy_a\n\n\ndef register(f):\n    heavy_a.double(1)\n    return f\n\n\nclass Plugin:\n    @register\n    def run(self):\n        return 1\n",
      message: /`heavy_a` is used in `register\(\)` on line 5, called at import time on line 10/,
      into: "def register(f):\n",
    },
    "a class attribute": {
      source: "import heavy_a\n\n\ndef make():\n    return heavy_a.VALUE\n\n\nclass Config:\n    class Inner:\n        size = make()\n",
      message: /`heavy_a` is used in `make\(\)` on line 5, called at import time on line 10/,
      into: "def make():\n",
    },
  };
  for (const [name, { source, message, into }] of Object.entries(cases)) {
    const root = project(source);
    const linted = lint(root);
    assert.deepEqual(linted.codes, ["LZ002"], name);
    assert.match(linted.stdout, message, name);
    assert.deepEqual(loadedByImport(root), ["heavy_a"], name);
    // The import moved into the function that uses the name, as LZ001's fix would: still loaded.
    fs.writeFileSync(path.join(root, "mod.py"), source.replace("import heavy_a\n", "").replace(into, `${into}    import heavy_a\n`));
    assert.deepEqual(loadedByImport(root), ["heavy_a"], name);
  }
});

test("a chain of calls that nothing runs at import time stays deferred: LZ001, and the fixed module imports nothing heavy and behaves as before", () => {
  const cases = {
    "the top function is never called": "import heavy_a\n\n\ndef helper():\n    return heavy_a.double(2)\n\n\ndef make():\n    return helper()\n\n\ndef main():\n    print(make())\n\n\nif __name__ == '__main__':\n    main()\n",
    "called from a lambda and a nested function": "import heavy_a\n\n\ndef helper():\n    return heavy_a.double(2)\n\n\ndef make():\n    def inner():\n        return helper()\n    return inner\n\n\nINNER = make()\nLATER = lambda: helper()\nif __name__ == '__main__':\n    print(INNER(), LATER())\n",
    "recursion, not called": "import heavy_a\n\n\ndef ping(n):\n    return heavy_a.double(n) if n < 1 else pong(n - 1)\n\n\ndef pong(n):\n    return ping(n)\n\n\nif __name__ == '__main__':\n    print(pong(3))\n",
    "a class body in a function": "import heavy_a\n\n\ndef make():\n    return heavy_a.VALUE\n\n\ndef build():\n    class Local:\n        value = make()\n    return Local\n\n\nif __name__ == '__main__':\n    print(build().value)\n",
    "a method calls it": "import heavy_a\n\n\ndef make():\n    return heavy_a.VALUE\n\n\nclass App:\n    def run(self):\n        return make()\n\n\nAPP = App()\nif __name__ == '__main__':\n    print(APP.run())\n",
    // A name read up to its first non-ASCII letter made `fünf` the `f` that the module calls.
    "a function whose name starts like a called one's": "import heavy_a\n\n\ndef fünf():\n    return heavy_a.double(5)\n\n\ndef f():\n    return 1\n\n\nX = f()\nif __name__ == '__main__':\n    print(fünf())\n",
  };
  for (const [name, source] of Object.entries(cases)) assertDeferredAndFixed(name, source);
});
