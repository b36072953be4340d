[1, 2, 3] + [4], [0] * 3, [1, [2, 3]], [], [[]] * 2
#---
l = [3, 1, 2]
l.append(4)
l.extend([5, 6])
l.insert(0, 0)
l.insert(-1, 9)
l.insert(100, 7)
r = l
#---
l = [1, 2, 3, 2]
l.remove(2)
a = l.pop()
b = l.pop(0)
r = (l, a, b, l.index(3), l.count(3))
#---
[].pop()
#---
[1].remove(5)
#---
[1, 2].index(7)
#---
[1, 2, 3][3]
#---
l = [5, 2, 9, 1]
l.sort()
m = sorted(l, reverse=True)
l.reverse()
r = (l, m)
#---
sorted(['banana', 'Apple', 'cherry']), sorted(['banana', 'Apple', 'cherry'], key=str.lower), sorted([3, 1, 2], key=lambda x: -x)
#---
sorted([(1, 'b'), (1, 'a'), (0, 'z')]), sorted([[2, 1], [1, 2], [1]]), sorted([], reverse=True)
#---
data = [('a', 2), ('b', 1), ('c', 2), ('d', 1)]
r = sorted(data, key=lambda t: t[1]), sorted(data, key=lambda t: t[1], reverse=True)
#---
sorted([1, 'a'])
#---
l = list(range(10))
r = (l[2:5], l[:3], l[7:], l[::3], l[::-1], l[-2:], l[5:2], l[1:8:2], l[8:1:-2])
#---
l = list(range(6))
l[1:3] = ['a', 'b', 'c']
l[-1:] = []
l[::2] = [0, 0, 0]
r = l
#---
l = list(range(6))
l[::2] = [1, 2]
#---
l = list(range(8))
del l[0]
del l[-1]
del l[1:3]
del l[::2]
r = l
#---
a = [1, 2, 3]
b = a
b.append(4)
c = a.copy()
c.append(5)
r = (a, b, c, a is b, a == b, a is c)
#---
l = [1, 2, 3]
l *= 2
l += (7, 8)
r = l
#---
[1, 2] == [1, 2], [1, 2] < [1, 3], [1, 2] < [1, 2, 0], [2] > [1, 99], [] == [], [1] != [1.0]
#---
(1, 2) + (3,), (1,) * 3, (), (1,), tuple([1, 2]), (1, 2, 3)[1:], len((1, 2))
#---
t = (1, 2, 3, 2)
r = (t.index(2), t.count(2), t[-1], 2 in t, t[::-1])
#---
t = (1, 2)
t[0] = 5
#---
(1, 2).index(9)
#---
a, b = 1, 2
a, b = b, a
(c, d), e = (3, 4), 5
f, *g = [1, 2, 3]
*h, i = 'xyz'
j, *k, m = range(5)
r = (a, b, c, d, e, f, g, h, i, j, k, m)
#---
a, b = 1, 2, 3
#---
a, b, c = [1, 2]
#---
a, b = 1
#---
x = y = z = [0]
x.append(1)
r = (x, y, z)
#---
d = {'a': 1, 'b': 2}
d['c'] = 3
d['a'] = 10
del d['b']
r = (d, len(d), 'a' in d, 'b' in d, list(d), list(d.keys()), list(d.values()), list(d.items()))
#---
{'x': 1}['y']
#---
d = {1: 'a', 2: 'b'}
r = (d.get(1), d.get(3), d.get(3, 'z'), d.pop(1), d.pop(9, None), d.setdefault(5, 'e'), d.setdefault(2, 'q'), d)
#---
{}.pop('k')
#---
d = {'a': 1}
d.update({'b': 2}, c=3)
d.update([('d', 4)])
e = dict(d)
e.clear()
r = (d, e, d.copy() == d, dict(a=1, b=2), dict([('x', 1)]), dict({'k': 1}, j=2))
#---
d = {'a': 1, 'b': 2, 'c': 3}
r = (d.popitem(), d)
#---
{}.popitem()
#---
d = {}
d[1] = 'int'
d[1.0] = 'float'
d[True] = 'bool'
r = d
#---
{[1]: 2}
#---
{(1, 2): 'tuple', None: 'none', 'a': 'str', 2.5: 'float', -1: 'neg'}
#---
d = {'b': 1, 'a': 2}
d['c'] = 0
del d['b']
d['b'] = 9
r = list(d.items())
#---
repr({}.keys()), repr({'a': 1}.values()), repr({'a': 1}.items()), len({'a': 1, 'b': 2}.keys())
#---
{'a': 1} == {'a': 1}, {'a': 1} == {'a': 1.0}, {'a': 1, 'b': 2} == {'b': 2, 'a': 1}, {'a': 1} != {'a': 2}
#---
{**{'a': 1}, 'b': 2, **{'a': 3}}, dict.fromkeys(['x', 'y'], 0), dict.fromkeys('ab')
#---
{'a': 1} | {'b': 2}, {'a': 1, 'b': 1} | {'b': 2}
#---
d = {'a': 1}
for k in d:
    d['b'] = 2
#---
{x: x * x for x in range(5)}, {k: v for k, v in [('a', 1), ('b', 2)] if v > 1}
#---
s = {3, 1, 2}
s.add(4)
s.add(1)
s.discard(10)
s.remove(3)
r = sorted(s), len(s), 2 in s, 3 in s
#---
set().remove(1)
#---
a = {1, 2, 3}
b = {2, 3, 4}
r = (sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b), a <= b, {2} < a, a >= {1}, a.isdisjoint({9}))
#---
a = {1, 2}
r = (sorted(a.union([3], (4,))), sorted(a.intersection([2, 9])), sorted(a.difference([1])), sorted(a.symmetric_difference([2, 5])), a.issubset(range(5)), a.issuperset([1]))
#---
frozenset([1, 2]) == {1, 2}, len(frozenset('aab')), {frozenset([1]): 'x'}[frozenset([1])]
#---
{[1, 2]}
#---
set(), {1, 2} == {2, 1}, set([1, 1, 1]) == {1}, {1, 2} - {1, 2} == set()
#---
s = {1, 2, 3}
s |= {4}
s &= {1, 2, 4}
s -= {1}
r = sorted(s)
#---
sorted({'b': 1, 'a': 2}), sorted({3: 'x', 1: 'y'}.items()), min({'b': 1, 'a': 2}), max({5, 2, 9})
#---
list(range(5)), list(range(2, 10, 3)), list(range(10, 0, -3)), list(range(0)), list(range(5, 1))
#---
r = range(0, 20, 3)
r2 = (len(r), r[2], r[-1], 9 in r, 10 in r, r.index(12), list(r[1:3]), r)
r = r2
#---
range(1, 5, 0)
#---
range(1.5)
#---
len(range(10 ** 6)), range(10 ** 6)[999999], sum(range(1, 11)), range(3) == range(0, 3), repr(range(2, 5, 2))
#---
list(enumerate('abc')), list(enumerate(['x', 'y'], 1)), list(zip([1, 2, 3], 'ab')), list(zip()), list(zip([1], [2], [3]))
#---
list(map(str, [1, 2])), list(map(lambda a, b: a + b, [1, 2], [10, 20, 30])), list(filter(None, [0, 1, '', 'a', None])), list(filter(lambda x: x > 1, [1, 2, 3]))
#---
list(reversed([1, 2, 3])), list(reversed('abc')), list(reversed(range(4))), list(reversed((1, 2))), list(reversed({'a': 1, 'b': 2}))
#---
any([]), all([]), any([0, '', 1]), all([1, 'a', []]), any(x > 2 for x in [1, 2, 3]), all(x > 0 for x in range(1, 4))
#---
[x * 2 for x in range(5)], [x for x in 'hello' if x != 'l'], [(x, y) for x in range(3) for y in range(x)], [[y for y in range(x)] for x in range(3)]
#---
{x % 3 for x in range(10)} == {0, 1, 2}, sorted({c for c in 'mississippi'}), sum(x for x in range(5)), list(x ** 2 for x in range(4))
#---
g = (x * 10 for x in range(3))
r = (next(g), next(g), list(g), next(g, 'done'))
#---
next(iter([]))
#---
it = iter([1, 2, 3])
r = (next(it), list(it))
#---
x = 10
l = [x for x in range(3)]
r = (x, l)
#---
matrix = [[1, 2, 3], [4, 5, 6]]
r = ([list(row) for row in zip(*matrix)], [v for row in matrix for v in row if v % 2 == 0])
#---
len([1, 2]), len({'a': 1}), len({1, 2, 3}), len(()), len('')
#---
len(5)
#---
5[0]
#---
None[0]
#---
for x in 5: pass
#---
a = [1, 2, 3]
b = a[:]
b[0] = 99
r = a, b
#---
nested = [[0] * 2] * 2
nested[0][0] = 1
r = nested
#---
l = [[]]
l[0].append(l[0] is l[0])
r = l
#---
list((1, 2)), list({'a': 1}), list({1: 2}.values()), tuple({'a': 1}.items()), list('')
#---
[1, 2, 3].count(2), [].count(1), ['a', 'b'].index('b'), [1, 2, 1, 2].index(2, 2)
#---
d = {'x': [1, 2]}
d['x'].append(3)
d.setdefault('y', []).append(4)
r = d
#---
from_pairs = dict(zip(['a', 'b'], [1, 2]))
r = from_pairs
#---
counts = {}
for w in 'the cat and the hat and the bat'.split():
    counts[w] = counts.get(w, 0) + 1
r = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
#---
l = [3, 1, 2]
r = (sorted(l), l, l.sort(), l)
#---
[1, 2, 3] * 0, [None] * 3, [] * 100, (0,) * 2
#---
[1, 2] + (3,)
#---
(1, 2) + [3]
#---
[1, 2] * 1.5
#---
{'a': 1} + {'b': 2}
#---
{1, 2} + {3}
#---
[i for i in range(3)] == list(range(3)), [1, [2, [3, [4]]]][1][1][1][0]
#---
d = {'a': {'b': {'c': 1}}}
d['a']['b']['d'] = 2
r = d
#---
list(map(int, '1 2 3'.split())), [int(x) for x in '4,5'.split(',')], sum(map(len, ['ab', 'c']))
#---
l = [1, 2, 3, 4, 5, 6]
r = [x for x in l if x % 2 == 0 if x > 2]
#---
m = {}
for i, ch in enumerate('abcab'):
    m.setdefault(ch, []).append(i)
r = m
#---
[*range(3), *'ab'], (*[1, 2], 3), {*[1, 1], 2} == {1, 2}, [*[], *()]
#---
def f(*a):
    return a
r = f(*[1, 2], *(3,), 4)
#---
sorted([3, 1, 2], reverse=True), sorted(['b', 'A', 'a', 'B']), sorted([2.5, 1, True, -3])
#---
min([(2, 'b'), (1, 'z'), (1, 'a')]), max('abc', 'abd'), min([3, 1, 2], key=lambda x: -x), max([], default=None)
#---
list({'z': 1, 'a': 2, 'm': 3}), [k for k in {'b': 0, 'a': 0}]
#---
sum([1.5, 2.5]), sum([1, 2.5]), sum([True, True, False]), sum([10 ** 20, 1])
