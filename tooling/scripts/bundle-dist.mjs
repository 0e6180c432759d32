#!/usr/bin/env node
// Usage (from a package directory, after `tsc` has written dist/):
//   node ../../tooling/scripts/bundle-dist.mjs [--inline pkg,pkg] <entry> [<entry>…]
//
// Replaces the JavaScript tsc wrote to dist/ by one bundle per entry (dist/<entry>.js), with
// the code the entries share in dist/chunk-<hash>.js files. Why: node loads an ES module
// graph file by file (resolve, read, compile, link each one); `ferry sync` loaded ~160 of
// them before its first lstat, ~70 ms of a 200 ms run on a small tree (tooling/bench README).
//
// What stays the same for users of the package:
// - every entry named in package.json's `exports` (or `bin`) keeps its path and its exports;
// - bare imports (other packages, @ferry/* included) stay imports, so each package is still
//   loaded once and shared: a class such as FerryError has one identity across packages.
//   Only packages named by --inline are bundled in: third-party ones this package alone
//   uses (the CLI's argument parser), never a @ferry/* package;
// - entries of one package share their chunks, so they share module state and classes too;
// - the .d.ts files tsc wrote stay where they are; source maps chain back to src/.
// The input is tsc's own output, so what runs is exactly what the type checker checked.
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";

const args = process.argv.slice(2);
let inline = new Set();
if (args[0] === "--inline") {
  inline = new Set((args[1] ?? "").split(",").filter(Boolean));
  args.splice(0, 2);
}
for (const name of inline) {
  if (name.startsWith("@ferry/")) {
    console.error(`bundle-dist: ${name} cannot be inlined (a second copy of a @ferry package would split its classes)`);
    process.exit(2);
  }
}
const entries = args;
if (entries.length === 0) {
  console.error("bundle-dist: name the entries to bundle, e.g. `bundle-dist.mjs index`");
  process.exit(2);
}
const dist = path.resolve("dist");
for (const entry of entries) {
  if (!fs.existsSync(path.join(dist, `${entry}.js`))) {
    console.error(`bundle-dist: dist/${entry}.js does not exist (run tsc first)`);
    process.exit(2);
  }
}

/** Bare imports stay imports, except those of the packages named to inline. */
function externalUnlessInlined(names) {
  const packageOf = (spec) => spec.split("/").slice(0, spec.startsWith("@") ? 2 : 1).join("/");
  return {
    name: "external-unless-inlined",
    setup(b) {
      // not relative, not absolute: a package (node: builtins are external on platform node anyway)
      b.onResolve({ filter: /^[^./]/ }, (r) => (names.has(packageOf(r.path)) ? undefined : { path: r.path, external: true }));
    },
  };
}

const result = await build({
  entryPoints: entries.map((e) => path.join(dist, `${e}.js`)),
  outdir: dist,
  // chunks sit beside the entries: code that finds files relative to import.meta.url
  // (a worker script, ../package.json) resolves from dist/ as it did before
  chunkNames: "chunk-[hash]",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  plugins: [externalUnlessInlined(inline)],
  // commander is CommonJS: bundled into an ES module, its require() of node builtins needs a
  // require function, which an ES module does not have
  ...(inline.size > 0 ? { banner: { js: 'import { createRequire as __bundleCreateRequire } from "node:module";\nconst require = __bundleCreateRequire(import.meta.url);' } } : {}),
  sourcemap: "linked",
  metafile: true,
  write: false,
  logLevel: "warning",
});

// A module from a subfolder of dist/ now runs from dist/ itself: a path it finds relative to
// import.meta.url would point somewhere else. Refuse rather than ship a bundle that cannot
// find its files. (createRequire(import.meta.url) only looks up packages, which resolve the
// same from any folder of the package.)
for (const input of Object.keys(result.metafile.inputs)) {
  const abs = path.resolve(input);
  if (path.dirname(abs) === dist || !abs.startsWith(dist + path.sep)) continue;
  const code = fs.readFileSync(abs, "utf8").replaceAll("createRequire(import.meta.url)", "");
  if (code.includes("import.meta.url")) {
    console.error(`bundle-dist: ${path.relative(process.cwd(), abs)} uses import.meta.url from a subfolder of dist/; move it to src/ root or resolve the path differently`);
    process.exit(1);
  }
}

// Drop every .js tsc wrote (and its map) so dist/ holds only what runs, then write the bundles.
const removeJs = (dir) => {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) removeJs(p);
    else if (d.name.endsWith(".js") || d.name.endsWith(".js.map")) fs.rmSync(p);
  }
};
removeJs(dist);
for (const file of result.outputFiles) {
  fs.mkdirSync(path.dirname(file.path), { recursive: true });
  fs.writeFileSync(file.path, file.contents);
  // an entry with a #! line (a bin) stays executable
  if (file.path.endsWith(".js") && file.text.startsWith("#!")) fs.chmodSync(file.path, 0o755);
}
