import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { ProjectIndex } from "../src/analysis/projectIndex.js";
import { makeProject } from "./helpers/cli.js";

/** An index over the given files (in this order), and a way to ask it from `pkg/util.py`. */
function indexOf(files: Record<string, string>): { ask: (module: string, name: string, from?: string) => unknown } {
  const root = makeProject(files);
  const index = new ProjectIndex(
    Object.keys(files).map((name) => path.join(root, name)),
    root,
  );
  return { ask: (module, name, from = "pkg/util.py") => index.externalReference(module, name, path.join(root, from)) ?? null };
}

test("the project index answers every way a module's name is reached, with the first line of each", () => {
  const { ask } = indexOf({
    "pkg/__init__.py": "",
    "pkg/util.py": "import numpy as np\n",
    "tests/a.py": "import pkg\n\nx = pkg.util.np.zeros\ny = pkg . util . np\n",
    "tests/b.py": 'import pkg.util as u\nfrom pkg.util import helper\n\n@patch("pkg.util.json.loads")\ndef f():\n    u.np\n',
  });
  assert.deepEqual(ask("pkg.util", "np"), { line: 3, how: "pkg.util.np", file: "tests/a.py" });
  assert.deepEqual(ask("pkg.util.np", "zeros"), { line: 3, how: "pkg.util.np.zeros", file: "tests/a.py" });
  assert.deepEqual(ask("pkg", "util"), { line: 3, how: "pkg.util", file: "tests/a.py" });
  assert.deepEqual(ask("pkg.util", "helper"), { line: 2, how: "from pkg.util import helper", file: "tests/b.py" });
  assert.deepEqual(ask("pkg.util", "json"), { line: 4, how: '"pkg.util.json.loads"', file: "tests/b.py" });
  assert.deepEqual(ask("pkg.util.json", "loads"), { line: 4, how: '"pkg.util.json.loads"', file: "tests/b.py" });
  // A chain that only starts like the name is not a reach of it.
  assert.equal(ask("pkg.util", "n"), null);
  assert.equal(ask("pkg.util", "zeros"), null);
});

test("within a file a from-import comes first, then stand-ins in order, then strings; across files, the project's order", () => {
  const files = {
    "pkg/util.py": "import numpy as np\n",
    "tests/a.py": 'S = "pkg.util.np"\nimport pkg.util\npkg.util.np\nfrom pkg.util import np\n',
    "tests/b.py": "from pkg.util import np\n",
  };
  assert.deepEqual(indexOf(files).ask("pkg.util", "np"), { line: 4, how: "from pkg.util import np", file: "tests/a.py" });
  // The asking module's own file never counts.
  assert.deepEqual(indexOf(files).ask("pkg.util", "np", "tests/a.py"), { line: 1, how: "from pkg.util import np", file: "tests/b.py" });
  const { ask } = indexOf({ "pkg/util.py": "", "tests/a.py": 'S = "pkg.util.np"\nimport pkg as p, pkg.util\npkg.util.np\np.util.np\n' });
  assert.deepEqual(ask("pkg.util", "np"), { line: 4, how: "p.util.np", file: "tests/a.py" });
});

test("a relative import reaches its package's names, though it does not spell the package", () => {
  const { ask } = indexOf({
    "pkg/__init__.py": "import numpy as np\n",
    "pkg/util.py": "from . import np\nfrom .sub import thing\n",
  });
  assert.deepEqual(ask("pkg", "np", "pkg/__init__.py"), { line: 1, how: "from pkg import np", file: "pkg/util.py" });
  assert.deepEqual(ask("pkg.sub", "thing", "pkg/__init__.py"), { line: 2, how: "from pkg.sub import thing", file: "pkg/util.py" });
});

test("an attribute chain belongs to the name it starts from, not to a stand-in inside it", () => {
  const { ask } = indexOf({
    "pkg/util.py": "import os\n",
    // `a. os.path` is `a.os.path`; `x.os` and `xos` are not the stand-in `os`.
    "tests/a.py": "import a, os\n\nv = a. os.path\nw = x.os.sep\nz = xos.name\n",
  });
  assert.deepEqual(ask("a", "os"), { line: 3, how: "a.os", file: "tests/a.py" });
  assert.deepEqual(ask("a.os", "path"), { line: 3, how: "a.os.path", file: "tests/a.py" });
  assert.equal(ask("os", "path"), null);
  assert.equal(ask("os", "sep"), null);
  assert.equal(ask("os", "name"), null);
});

test("files that cannot be read or decoded reach nothing, and the rest are still answered", () => {
  const root = makeProject({ "pkg/util.py": "import numpy as np\n", "tests/a.py": "from pkg.util import np\n" });
  const index = new ProjectIndex([path.join(root, "missing.py"), path.join(root, "tests/a.py")], root);
  assert.deepEqual(index.externalReference("pkg.util", "np", path.join(root, "pkg/util.py")), { line: 1, how: "from pkg.util import np", file: "tests/a.py" });
});

test("an index built a slice at a time answers as one built at once, also when asked half way", async () => {
  const files: Record<string, string> = { "pkg/util.py": "import numpy as np\n" };
  for (let i = 0; i < 300; i++) files[`tests/t${i}.py`] = i === 250 ? "from pkg.util import np\n" : `import os\nos.path.join("a${i}")\n`;
  const root = makeProject(files);
  const list = Object.keys(files).map((name) => path.join(root, name));
  const expected = { line: 1, how: "from pkg.util import np", file: "tests/t250.py" };
  const prepared = new ProjectIndex(list, root);
  await prepared.prepare();
  assert.deepEqual(prepared.externalReference("pkg.util", "np", path.join(root, "pkg/util.py")), expected);
  const halfway = new ProjectIndex(list, root);
  const preparing = halfway.prepare();
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(halfway.externalReference("pkg.util", "np", path.join(root, "pkg/util.py")), expected);
  assert.deepEqual(halfway.externalReference("os", "path", path.join(root, "pkg/util.py")), { line: 2, how: "os.path", file: "tests/t0.py" });
  await preparing;
});

test("where and how a file reaches a name is read again when asked: a file gone since the index was built gives way to the next", async () => {
  const root = makeProject({ "pkg/util.py": "import numpy as np\n", "tests/a.py": "from pkg.util import np\n", "tests/b.py": "\nimport pkg.util as u\nu.np.zeros\n" });
  const index = new ProjectIndex(["tests/a.py", "tests/b.py"].map((name) => path.join(root, name)), root);
  await index.prepare();
  rmSync(path.join(root, "tests/a.py"));
  assert.deepEqual(index.externalReference("pkg.util", "np", path.join(root, "pkg/util.py")), { line: 3, how: "u.np", file: "tests/b.py" });
  assert.deepEqual(index.externalReference("pkg.util.np", "zeros", path.join(root, "pkg/util.py")), { line: 3, how: "u.np.zeros", file: "tests/b.py" });
});

test("a backslash continuation is a space to the index, and a reach after one is told at the file's own line", () => {
  const { ask } = indexOf({
    "pkg/util.py": "import numpy as np\n",
    "tests/a.py": [
      "x = 1 + \\",
      "    2",
      "from pkg.util \\",
      "    import helper, \\",
      "    other",
      "import pkg.util \\",
      "    as u",
      "u \\",
      "  . np \\",
      "  .zeros",
      "y = (3 +\\",
      "import pkg)",
      "s = 'a\\",
      "pkg.util.skipped'",
      "",
    ].join("\n"),
    "tests/b.py": "import pkg\r\n\\\r\nz = 1\r\npkg.util\\\r\n.crlf\r\n",
  });
  assert.deepEqual(ask("pkg.util", "helper"), { line: 3, how: "from pkg.util import helper", file: "tests/a.py" });
  assert.deepEqual(ask("pkg.util", "other"), { line: 3, how: "from pkg.util import other", file: "tests/a.py" });
  assert.deepEqual(ask("pkg.util", "np"), { line: 8, how: "u.np", file: "tests/a.py" });
  assert.deepEqual(ask("pkg.util.np", "zeros"), { line: 8, how: "u.np.zeros", file: "tests/a.py" });
  assert.deepEqual(ask("pkg.util", "crlf"), { line: 4, how: "pkg.util.crlf", file: "tests/b.py" });
  // A line that a continuation joins to the one before starts no statement; a string's continuation breaks a dotted path.
  assert.equal(ask("pkg.util", "skipped"), null);
});
