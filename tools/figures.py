#!/usr/bin/env python3
"""figures.py -- the measured figures in README.md and docs/, generated.

Blocks in the Markdown files between
    <!-- figures:KIND begin ... -->   and   <!-- figures:KIND end -->
are filled from `make budgets` and `make bench-icount` output:
    sizes      sizeof of the public structs (budgets)
    budgets    stack per entry point, core .text, heap allocations (budgets)
    stack-max  one sentence: the deepest entry point (budgets)
    icount     instruction-count ratios of every bench case (bench-icount)

    figures.py write FILE...   regenerate every block in place (make readme-figures)
    figures.py check FILE...   regenerate and compare (make readme-check): sizes
                               always; the others only when the fingerprint stored
                               in the block (compiler, library versions, arch)
                               is this machine's, else SKIPPED (exit 0).
"""
import csv
import os
import re
import subprocess
import sys

BEGIN = re.compile(r'<!-- figures:([a-z-]+) begin[^>]*-->\n(.*?)<!-- figures:\1 end -->', re.S)
FP_LINE = re.compile(r'<!-- fingerprint: (.*?) -->\n')
KINDS_WITH_FP = {'budgets', 'stack-max', 'icount'}


def sh(cmd):
    return subprocess.run(cmd, shell=True, check=True, stdout=subprocess.PIPE, text=True).stdout


def pkg(name):
    try:
        v = sh("dpkg-query -W -f '${Version}' %s 2>/dev/null" % name).strip()
    except subprocess.CalledProcessError:
        v = ''
    return v or 'unknown'


def fingerprint(kind):
    cc = os.environ.get('CC', 'cc')
    fp = [sh('%s --version' % cc).splitlines()[0], 'libtomcrypt ' + pkg('libtomcrypt-dev'),
          'libtommath ' + pkg('libtommath-dev'), 'libssl ' + pkg('libssl-dev'), 'libbearssl ' + pkg('libbearssl-dev')]
    if kind == 'icount':   # glibc and OpenSSL pick code paths by CPUID: the CPU model counts too
        fp.append('valgrind ' + pkg('valgrind'))
        try:
            fp.append(next(l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo') if l.startswith('model name')))
        except (OSError, StopIteration):
            fp.append('cpu unknown')
    fp.append(os.uname().machine)
    return '; '.join(fp)


def budgets():
    out = sh('make --no-print-directory -s budgets')
    b = {'stack': [], 'sizes': [], 'allocs': [], 'libstack': []}
    sec = None
    for line in out.splitlines():
        if line.startswith('stack per public entry point'):
            sec = 'stack'
        elif line.startswith('code size'):
            sec = 'code'
        elif line.startswith('heap allocations'):
            sec = 'allocs'
        elif line.startswith('object sizes'):
            sec = 'sizes'
        elif line.startswith('stack of one call'):
            sec = 'libstack'
        elif sec == 'libstack' and re.match(r'\s+(bearssl|openssl|libtom) .*?\s+\d+\s+\d+\s+\d+$', line):
            f = line.rsplit(None, 3)
            b['libstack'].append((f[0].strip(), [int(x) for x in f[1:]]))
        elif sec == 'stack' and re.match(r'\s+copp_\w+\s+\d+$', line):
            n, v = line.split()
            b['stack'].append((n, int(v)))
        elif sec == 'code' and '.text' in line:
            b['text'] = int(re.search(r'\.text (\d+)', line).group(1))
        elif sec == 'allocs' and re.match(r'\s+(mock|libtom|openssl|bearssl) backend', line):
            f = line.split()
            b['allocs'].append((f[0], [int(x) for x in f[-4:]]))
        elif sec == 'sizes' and re.match(r'\s+copp_\w+\s+\d+', line):
            f = line.split(None, 2)
            b['sizes'].append((f[0], int(f[1]), f[2].strip(' ()') if len(f) > 2 else ''))
    # (clang's -fstack-usage names no functions: such a machine's stack figures
    # are SKIPPED by its fingerprint before they are needed)
    if not (b['sizes'] and 'text' in b and len(b['allocs']) == 4 and len(b['libstack']) == 4):
        sys.exit('figures: cannot parse make budgets output:\n' + out)
    return b


def icount():
    sh('make --no-print-directory -s bench-icount > /dev/null')
    with open('build/bench-icount.csv', newline='') as f:
        return list(csv.DictReader(f))


def render(kind, data):
    if kind == 'sizes':
        b = data['budgets']
        lines = ['| Object | Bytes | Note |', '|---|---|---|']
        lines += ['| `%s` | %d | %s |' % (n, v, note) for n, v, note in b['sizes']]
        return '\n'.join(lines) + '\n'
    if kind == 'budgets':
        b = data['budgets']
        st = sorted(b['stack'], key=lambda x: -x[1])
        lines = ['Core `.text` (no backend, gcc `-O2`): %d bytes (%.1f KiB).' % (b['text'], b['text'] / 1024), '',
                 'Stack per entry point (`-fstack-usage`, `-O2`), deepest first:', '',
                 '| Entry point | Bytes |', '|---|---|']
        lines += ['| `%s` | %d |' % (n, v) for n, v in st[:8]]
        lines += ['| the other %d | %d or less |' % (len(st) - 8, st[8][1])] if len(st) > 8 else []
        lines += ['', 'Heap allocations in the two-session scenario (setup / per message: 20 commands + 8 status / '
                  'VIDEOPARAMETERS + resync / close):', '']
        for n, a in b['allocs']:
            if n == 'mock':
                lines.append('- copp.h alone (mock backend): %s' % ' / '.join(map(str, a)))
            elif n == 'bearssl':   # BearSSL allocates nothing: every count quoted, key loading included
                lines.append('- bearssl backend (key loading included): %s' % ' / '.join(map(str, a)))
            else:   # the backend's own setup count moves with its random blinding values: not quoted
                lines.append('- %s backend: setup allocates (RSA, RNG) / %s' % (n, ' / '.join(map(str, a[1:]))))
        lines += ['', 'Stack of one call with the backend library\'s frames included (high-water mark on a painted '
                  'stack, bytes):', '', '| Backend | sequence start | command | status |', '|---|---|---|---|']
        lines += ['| %s | %d | %d | %d |' % (n, v[0], v[1], v[2]) for n, v in b['libstack']]
        return '\n'.join(lines) + '\n'
    if kind == 'stack-max':
        n, v = max(data['budgets']['stack'], key=lambda x: x[1])
        return 'at most %d bytes of stack per call (`%s`, gcc `-O2 -fstack-usage`, `make budgets`).\n' % (v, n)
    if kind == 'icount':
        rows = data['icount']
        cases = []
        for r in rows:
            if r['case'] not in cases:
                cases.append(r['case'])
        lines = ['| Case | Floor | mock | libtom | OpenSSL | BearSSL | BearSSL ct64/i31 | Goal |',
                 '|---|---|---|---|---|---|---|---|']
        for c in cases:
            cells, floor, goals = [], '', []
            for b in ('mock', 'libtom', 'openssl', 'bearssl', 'br-ct64-i31'):
                r = next((x for x in rows if x['case'] == c and x['backend'] == b), None)
                if r is None:
                    cells.append('')
                    continue
                floor = r['floor']
                if r['goal']:
                    goals.append((b, r['goal']))
                cells.append('n/a' if r['ratio_median'] == 'n/a' else '%.3f %s' % (float(r['ratio_median']),
                                                                                 r['verdict'] if r['goal'] else ''))
            if len({g for _, g in goals}) > 1:   # goals differ by backend (command vs AES-NI): name them
                goal = ', '.join('%s %s' % (g, b) for b, g in goals)
            else:
                goal = goals[0][1] if goals else '-'
            lines.append('| %s | %s | %s | %s |' % (c, floor, ' | '.join(x.strip() for x in cells), goal))
        return '\n'.join(lines) + '\n'
    sys.exit('figures: unknown block kind ' + kind)


def blocks(text):
    return list(BEGIN.finditer(text))


def fill(kind, data):
    body = render(kind, data)
    fp = ('<!-- fingerprint: %s -->\n' % fingerprint(kind)) if kind in KINDS_WITH_FP else ''
    if kind in ('budgets', 'icount'):   # the same, visible
        body = '_Made on: %s._\n\n' % fingerprint(kind) + body
    return '<!-- figures:%s begin (make readme-figures; do not edit) -->\n%s%s<!-- figures:%s end -->' % (kind, fp, body, kind)


def main():
    mode, files = sys.argv[1], sys.argv[2:]
    texts = {f: open(f).read() for f in files}
    kinds = {m.group(1) for t in texts.values() for m in blocks(t)}
    data = {}
    if kinds & {'sizes', 'budgets', 'stack-max'}:
        data['budgets'] = budgets()
    bad = 0
    for f, t in texts.items():
        if mode == 'write':
            if 'icount' in {m.group(1) for m in blocks(t)} and 'icount' not in data:
                data['icount'] = icount()
            new = BEGIN.sub(lambda m: fill(m.group(1), data), t)
            if new != t:
                open(f, 'w').write(new)
                print('figures: %s updated' % f)
            continue
        for m in blocks(t):
            kind, old = m.group(1), m.group(2)
            if kind in KINDS_WITH_FP:
                fpm = FP_LINE.match(old)
                stored, here = (fpm.group(1) if fpm else '(none)'), fingerprint(kind)
                if stored != here:
                    print('SKIPPED: %s figures:%s were made with %s, this machine is %s' % (f, kind, stored, here))
                    continue
                if kind == 'icount' and 'icount' not in data:
                    data['icount'] = icount()
            want = fill(kind, data)
            if want != m.group(0):
                print('MISMATCH: %s figures:%s differ from what the code gives now (make readme-figures):' % (f, kind))
                import difflib
                sys.stdout.writelines(difflib.unified_diff(m.group(0).splitlines(True), want.splitlines(True)))
                print()
                bad = 1
            else:
                print('ok: %s figures:%s match' % (f, kind))
    sys.exit(bad)


if __name__ == '__main__':
    main()
