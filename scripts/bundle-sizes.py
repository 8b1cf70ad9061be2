#!/usr/bin/env python3
"""What each screen's browser fetches of the WASM bundle, from the site `cargo xtask site
[--release]` wrote: the main module and its JS, plus the file of the parts the screen's lazy
route needs (`screen_<split>.parts`, listed in `__wasm_split_manifest.json`), in bytes, gzip
(the `.gz` copies, Zopfli) and brotli (`.br`).
   python3 scripts/bundle-sizes.py [target/site/pkg]
"""
import json
import os
import sys

pkg = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "target", "site", "pkg")
manifest = json.load(open(os.path.join(pkg, "__wasm_split_manifest.json")))
main = ["beerflow.wasm", "beerflow.js"] + [f for f in os.listdir(pkg) if f.startswith("__wasm_split") and f.endswith(".js")]


def size(name, ext=""):
    path = os.path.join(pkg, name + ext)
    return os.path.getsize(path) if os.path.exists(path) else None


def total(files):
    sums = []
    for ext in ("", ".gz", ".br"):
        sizes = [size(f, ext) for f in files]
        sums.append(None if None in sizes else sum(sizes))
    return sums


def row(label, files):
    raw, gz, br = total(files)
    fmt = lambda n: "n/a" if n is None else f"{n:,}"
    print(f"| {label} | {fmt(raw)} | {fmt(gz)} | {fmt(br)} |")


print("| what the browser fetches (WASM + JS) | bytes | gzip (Zopfli) | brotli 11 |")
print("|---|---|---|---|")
row("main module alone", main)
for split, parts in sorted(manifest.items()):
    screen = split.strip("_").split("_route_view")[0]
    row(screen, main + [f"screen_{split}.parts"])
everything = main + sorted(f for f in os.listdir(pkg) if f.endswith(".wasm") and f != "beerflow.wasm")
row("every part together", everything)
