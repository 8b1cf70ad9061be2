#!/usr/bin/env python3
"""What each screen's browser fetches of the WASM bundle, from the site `cargo xtask site
[--release]` wrote: the main module and its JS, plus the file of the parts the screen's lazy
route needs (`screen_<split>.parts`, listed in `__wasm_split_manifest.json`), in bytes, gzip
(the `.gz` copies, Zopfli) and brotli (`.br`).
   python3 scripts/bundle-sizes.py [--budget BYTES] [target/site/pkg]
With `--budget`, fails (exit 1) when what a screen fetches is larger than BYTES in gzip, the
encoding a browser on a venue's plain-HTTP network gets (the test command checks the release
bundle against 500,000).
"""
import argparse
import json
import os
import sys

args = argparse.ArgumentParser()
args.add_argument("--budget", type=int, help="the most a screen may fetch, gzip bytes")
args.add_argument("pkg", nargs="?", default=os.path.join(os.path.dirname(__file__), "..", "target", "site", "pkg"))
args = args.parse_args()
pkg = args.pkg
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


over = []


def row(label, files, screen=False):
    raw, gz, br = total(files)
    if screen and args.budget is not None and (gz is None or gz > args.budget):
        over.append(f"{label}: {gz if gz is not None else 'no .gz copies'}")
    fmt = lambda n: "n/a" if n is None else f"{n:,}"
    print(f"| {label} | {fmt(raw)} | {fmt(gz)} | {fmt(br)} |")


print("| what the browser fetches (WASM + JS) | bytes | gzip (Zopfli) | brotli 11 |")
print("|---|---|---|---|")
row("main module alone", main)
for split, parts in sorted(manifest.items()):
    screen = split.strip("_").split("_route_view")[0]
    row(screen, main + [f"screen_{split}.parts"], screen=True)
everything = main + sorted(f for f in os.listdir(pkg) if f.endswith(".wasm") and f != "beerflow.wasm")
row("every part together", everything)
if over:
    print(f"over the budget of {args.budget:,} bytes gzip: " + "; ".join(over), file=sys.stderr)
    sys.exit(1)
if args.budget is not None:
    print(f"every screen under {args.budget:,} bytes gzip")
