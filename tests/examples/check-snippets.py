#!/usr/bin/env python3
# check-snippets.py: the code shown in a documentation page is the code of the
# examples that the tests build and run.
#
#   check-snippets.py PAGE.md EXAMPLES_DIR [FOLDER...]
#
# In the page, a fenced code block right after a comment
#
#     <!-- snippet: c/every-nth.c processor -->
#
# must be, line for line, the region of docs/examples/c/every-nth.c between
# two marker lines `[processor]` (written as a comment of the language:
# `/* [processor] */`, `// [processor]`, `# [processor]`), with the region's
# common indentation removed. Every example folder must be shown at least
# once, and every snippet must name an existing region. Stdlib only.
#
# SPDX-License-Identifier: LGPL-2.1-or-later

import os
import re
import sys
import textwrap

MARKER = re.compile(r'^\s*(?:/\*|//|#)\s*\[([\w-]+)\]\s*(?:\*/)?\s*$')
SNIPPET = re.compile(r'^<!--\s*snippet:\s*(\S+)\s+([\w-]+)\s*-->\s*$')
FENCE = re.compile(r'^(```+|~~~+)')


def regions(path):
    found, open_regions = {}, {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            match = MARKER.match(line)
            if match:
                name = match.group(1)
                if name in open_regions:
                    found[name] = textwrap.dedent(''.join(open_regions.pop(name)))
                else:
                    open_regions[name] = []
                continue
            for lines in open_regions.values():
                lines.append(line)
    if open_regions:
        raise SystemExit(f'{path}: unclosed region(s) {sorted(open_regions)}')
    return found


def snippets(page):
    result = []
    with open(page, encoding='utf-8') as f:
        lines = f.read().splitlines(keepends=True)
    i = 0
    while i < len(lines):
        match = SNIPPET.match(lines[i])
        if not match:
            i += 1
            continue
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        fence = FENCE.match(lines[j]) if j < len(lines) else None
        if not fence:
            raise SystemExit(f'{page}:{i + 1}: a snippet comment not followed by a code block')
        body, k = [], j + 1
        while k < len(lines) and not lines[k].startswith(fence.group(1)):
            body.append(lines[k])
            k += 1
        result.append((i + 1, match.group(1), match.group(2), ''.join(body)))
        i = k + 1
    return result


def main():
    if len(sys.argv) < 3:
        raise SystemExit('usage: check-snippets.py PAGE.md EXAMPLES_DIR [FOLDER...]')
    page, examples = sys.argv[1], sys.argv[2]
    required = sys.argv[3:] or sorted(
        f for f in os.listdir(examples) if os.path.isdir(os.path.join(examples, f)))
    failures = 0
    shown = set()
    for line, path, region, body in snippets(page):
        full = os.path.join(examples, path)
        if not os.path.isfile(full):
            print(f'{page}:{line}: no example {path}')
            failures += 1
            continue
        found = regions(full)
        if region not in found:
            print(f'{page}:{line}: {path} has no region [{region}] (has {sorted(found)})')
            failures += 1
            continue
        if body.rstrip() != found[region].rstrip():
            print(f'{page}:{line}: the code shown differs from region [{region}] of {path}')
            import difflib
            sys.stdout.writelines(difflib.unified_diff(
                found[region].splitlines(keepends=True), body.splitlines(keepends=True),
                fromfile=path, tofile=page))
            failures += 1
            continue
        shown.add(path.split('/')[0])
        print(f'ok {path} [{region}]')
    for folder in required:
        if folder not in shown:
            print(f'{page}: shows nothing from {folder}/')
            failures += 1
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
