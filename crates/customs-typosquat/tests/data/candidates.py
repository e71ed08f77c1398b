#!/usr/bin/env python3
"""Candidate pairs (malicious name, popular name) for hand labelling.

Independent of the detector: plain string measures only.
A pair is a candidate when the popular name is in the ecosystem's top 5,000 and one of:
  E  optimal-string-alignment distance <= 2 between the normalised names (<= 1 when the
     popular name is shorter than 5 characters), names at least 3 characters;
  S  equal once case and every non-alphanumeric character are dropped;
  C  the malicious name contains the popular name (>= 4 characters) as a substring, with at
     most 8 other alphanumeric characters;
  W  the same multiset of words (split on non-alphanumerics), in another order.
"""
import csv, json, re, sys, zipfile, collections

DATA = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/data'
TOP = 5000

def pep503(n): return re.sub(r'[-_.]+', '-', n).lower()
def norm(eco, n):
    if eco == 'PyPI': return pep503(n)
    if eco == 'crates.io': return n.lower().replace('_', '-')
    return n

def popular(eco):
    f = {'npm': 'npm.csv', 'PyPI': 'pypi.csv', 'crates.io': 'crates.csv'}[eco]
    rows = list(csv.reader(open(f'{DATA}/popular/{f}')))[1:]
    out = {}
    for i, r in enumerate(rows[:TOP]):
        out.setdefault(norm(eco, r[0]), i + 1)
    return out

def osa(a, b):
    la, lb = len(a), len(b)
    d = [[0]*(lb+1) for _ in range(la+1)]
    for i in range(la+1): d[i][0] = i
    for j in range(lb+1): d[0][j] = j
    for i in range(1, la+1):
        for j in range(1, lb+1):
            c = 0 if a[i-1] == b[j-1] else 1
            d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
            if i > 1 and j > 1 and a[i-1] == b[j-2] and a[i-2] == b[j-1]:
                d[i][j] = min(d[i][j], d[i-2][j-2]+1)
    return d[la][lb]

def deletions(s, k):
    out = {s}; frontier = {s}
    for _ in range(k):
        frontier = {w[:i]+w[i+1:] for w in frontier for i in range(len(w))}
        out |= frontier
    return out

def alnum(s): return re.sub(r'[^a-z0-9]', '', s.lower())
def words(s): return tuple(sorted(w for w in re.split(r'[^a-z0-9]+', s.lower()) if w))

def malicious(eco):
    z = zipfile.ZipFile(f'{DATA}/osv/{eco}/all.zip')
    out = collections.defaultdict(list)
    for m in sorted(z.namelist()):
        r = json.loads(z.read(m))
        if r.get('withdrawn'): continue
        s = (r.get('summary') or '').lower()
        if not (r['id'].startswith('MAL-') or 'removed from crates.io' in s or s.startswith('malicious crate')):
            continue
        for a in r.get('affected', []):
            p = a.get('package', {})
            if p.get('ecosystem') == eco:
                out[norm(eco, p['name'])].append(r['id'])
    return out

for eco in ['npm', 'PyPI', 'crates.io']:
    pop = popular(eco)
    index = collections.defaultdict(set)
    for name in pop:
        for d in deletions(name, 2): index[d].add(name)
    by_alnum = collections.defaultdict(set)
    by_words = collections.defaultdict(set)
    for name in pop:
        by_alnum[alnum(name)].add(name); by_words[words(name)].add(name)
    long_pop = [p for p in pop if len(alnum(p)) >= 4]
    mal = malicious(eco)
    seen = 0
    for name, ids in sorted(mal.items()):
        if name in pop: continue   # the popular package itself (compromised, not a squat)
        cands = {}
        if len(name) >= 3:
            for d in deletions(name, 2):
                for p in index.get(d, ()):
                    if len(p) < 3: continue
                    dist = osa(name, p)
                    if dist <= (1 if len(p) < 5 else 2): cands.setdefault(p, f'E{dist}')
        for p in by_alnum.get(alnum(name), ()):
            if p != name: cands.setdefault(p, 'S')
        an = alnum(name)
        for p in long_pop:
            ap = alnum(p)
            if ap in an and len(an) - len(ap) <= 8 and p != name:
                cands.setdefault(p, 'C')
        for p in by_words.get(words(name), ()):
            if p != name and len(words(name)) > 1: cands.setdefault(p, 'W')
        for p, why in sorted(cands.items(), key=lambda kv: pop[kv[0]]):
            print(f'{eco}\t{name}\t{p}\t{pop[p]}\t{why}\t{ids[0]}')
            seen += 1
    print(eco, 'pairs', seen, file=sys.stderr)
