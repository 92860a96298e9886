#!/usr/bin/env python3
"""Where the heap of one glossa run goes, by category (docs/performance.md,
"One large document"): reads a valgrind massif output and sorts the bytes
of its peak (or of the snapshot given) by what allocated them, from each
allocation's call stack: the core's text, offset maps, tokens, span
objects per producing plugin, their "text" strings, the record; each
plugin's models (made at create()), its JSON values and its own working
memory.

    GLOSSA_NO_DLCLOSE=1 valgrind --tool=massif --threshold=0.05 --depth=40 \
        --massif-out-file=m.out build-prof/glossa run --threads 1 DOC -o /dev/null
    bench/massif-breakdown.py m.out [SNAPSHOT]

Build with -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGLOSSA_JEMALLOC=OFF (massif
sees malloc, not jemalloc); GLOSSA_NO_DLCLOSE keeps the plugins' symbols."""
import re, sys
from collections import defaultdict

def parse(path):
    snaps = []
    cur = None
    with open(path) as f:
        lines = f.read().split('\n')
    i = 0
    while i < len(lines):
        l = lines[i]
        if l.startswith('snapshot='):
            cur = {'n': int(l.split('=')[1]), 'tree': None}
            snaps.append(cur)
        elif l.startswith('mem_heap_B='):
            cur['heap'] = int(l.split('=')[1])
        elif l.startswith('mem_heap_extra_B='):
            cur['extra'] = int(l.split('=')[1])
        elif l.startswith('heap_tree=') :
            cur['kind'] = l.split('=')[1]
            if cur['kind'] in ('detailed', 'peak'):
                # parse tree
                stack = []  # (indent, frame)
                leaves = []
                i += 1
                while i < len(lines) and lines[i].strip() and not lines[i].startswith('#'):
                    t = lines[i]
                    ind = len(t) - len(t.lstrip(' '))
                    m = re.match(r'\s*n(\d+): (\d+) (.*)', t)
                    nch, b, desc = int(m.group(1)), int(m.group(2)), m.group(3)
                    while stack and stack[-1][0] >= ind:
                        stack.pop()
                    stack.append((ind, desc))
                    if nch == 0:
                        leaves.append((b, [d for _, d in stack]))
                    i += 1
                cur['leaves'] = leaves
                continue
        i += 1
    return snaps

def frame_fn(d):
    m = re.search(r'0x[0-9A-F]+: (\S+)', d)
    return m.group(1) if m else d

PLUG_FILES = [('entities', r'\((ent_\w+|entities_plugin)\.c'),
              ('mediation', r'\(mediation_\w+\.c'),
              ('quotes', r'quotes_|\((analyze|marks|frames|speaker)\.c'),
              ('dates', r'dates_|\((engine|fn_\w+|calendar|load\w*|prefilter|template|tense|words|point|functions)\.c')]

def plugin_of(frames):
    for d in frames:
        for name, rx in PLUG_FILES:
            if re.search(rx, d):
                return name
    return None

def is_plugin(d):
    return plugin_of([d]) is not None

def classify(frames):
    fns = [frame_fn(d) for d in reversed(frames[1:])]
    # allocation-site order: innermost first
    inner = frames[1:]
    if any('glossa_runtime_prepare' in d for d in inner):
        return 'models and tables (create; %s)' % (plugin_of(inner) or 'core')
    for idx, d in enumerate(inner):
        f = frame_fn(d)
        if 'glossa__segment' in f: return 'tokens/sentences'
        if 'glossa__offsets_init' in f: return 'offset maps'
        if 'glossa__doc_serialize' in f: return 'output record'
        if 'glossa__unit_check_spans' in f:
            return 'span "text" + sorted arrays (check_spans)'
        if 'add_span' in f:
            return 'span objects, core fields (%s)' % (plugin_of(inner[idx:]) or '?')
        if is_plugin(d):
            js = any(frame_fn(x).startswith('json_') for x in inner[:idx])
            return ('plugin %s: %s' % (plugin_of([d]), 'JSON values (span fields, doc)' if js else 'working memory'))
        if 'glossa__doc_decode' in f or 'sanitize' in f or 'jsonl' in f or 'glossa__source' in f:
            return 'text (input)'
        if 'output' in f or 'writer' in f:
            return 'output writer'
    return 'other: ' + ' < '.join(fns[-1:-6:-1])

def main():
    snaps = parse(sys.argv[1])
    which = sys.argv[2] if len(sys.argv) > 2 else 'peak'
    if which == 'peak':
        s = [x for x in snaps if x.get('kind') == 'peak'][0]
    else:
        s = [x for x in snaps if x['n'] == int(which)][0]
    tot = defaultdict(int)
    for b, fr in s['leaves']:
        tot[classify(fr)] += b
    heap = s['heap']
    print('snapshot %d: heap %.1f MB (+%.1f MB allocator overhead)' % (s['n'], heap / 1e6, s['extra'] / 1e6))
    for k, v in sorted(tot.items(), key=lambda kv: -kv[1]):
        if v > heap * 0.002:
            print('%8.1f MB %5.1f%%  %s' % (v / 1e6, 100 * v / heap, k))

main()
