import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { makeProject, runCli } from "./helpers/cli.js";

const UTIL = "import numpy as np\n\n\ndef zeros(n):\n    return np.zeros(n)\n";

/** A project whose `pkg/util.py` defers numpy, and a test module that reaches `np` in some way. */
function projectWith(reach: string): string {
  return makeProject({ "pkg/__init__.py": "", "pkg/util.py": UTIL, "tests/test_util.py": reach });
}

const REACHES: Record<string, string> = {
  "from-import": "from pkg.util import np\n",
  "dotted attribute": "import pkg.util\n\n\ndef test():\n    assert pkg.util.np\n",
  "attribute of an imported submodule": "from pkg import util\n\n\ndef test():\n    assert util.np.zeros\n",
  "aliased module": "import pkg.util as u\n\n\ndef test():\n    assert u.np\n",
  "mock.patch target": 'from unittest import mock\n\n\n@mock.patch("pkg.util.np.zeros")\ndef test(z):\n    pass\n',
  // What a first `fix --strategy lazymodule` makes of `import pkg.util as u`: a second fix must still see the reach.
  "lazy proxy of the module": 'u = _PylazyModule("pkg.util")\n\n\ndef test():\n    u.np = None\n',
};

for (const [how, reach] of Object.entries(REACHES)) {
  test(`function strategy leaves an import that another module reaches (${how})`, () => {
    const root = projectWith(reach);
    const result = runCli(["fix", "pkg", "--strategy", "function", "--no-verify"], root);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /left `numpy` as it was: another module reaches `np` here: tests\/test_util\.py:\d+/);
    assert.equal(readFileSync(path.join(root, "pkg/util.py"), "utf8"), UTIL);
  });
}

test("proxy strategies keep the name bound, so a reached import is still deferred", () => {
  const root = projectWith(REACHES["from-import"]);
  const result = runCli(["fix", "pkg", "--strategy", "lazymodule", "--no-verify"], root);
  assert.equal(result.status, 0, result.stderr);
  assert.match(readFileSync(path.join(root, "pkg/util.py"), "utf8"), /^np = _PylazyModule\("numpy"\)$/m);
});

test("a module that only shares the name is not a re-export", () => {
  const root = projectWith("import numpy as np\n\n\ndef test():\n    assert np.zeros\n");
  const result = runCli(["fix", "pkg", "--strategy", "function", "--no-verify"], root);
  assert.equal(result.status, 0, result.stderr);
  assert.match(readFileSync(path.join(root, "pkg/util.py"), "utf8"), /^ {4}import numpy as np$/m);
});
