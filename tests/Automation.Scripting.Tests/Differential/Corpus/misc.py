'{:>10.3f}|{:<+8d}|{:^7s}|{:x<4}'.format(3.14159, 42, 'mid', 7)
#---
'{0:{1}}|{0!s:>{1}}'.format('ab', 5), '{:{}}'.format('x', 3), '{:.{}f}'.format(1.23456, 3)
#---
f'{"quoted"}', f"{'single'}", f'{3!s:>4}', f'{[1, 2]!r}', f'{ {"a": 1}["a"] }', f'{1 + 1 = }'
#---
f'{12345.6789:,.2f}', f'{0.000012345:.3e}', f'{1234:08,}', f'{-5:+05d}', f'{255:#06x}', f'{3.0:g}', f'{1e20:g}'
#---
'%5.2f%%|%-5s|%05.1f|%+.3d' % (12.345, 'x', 2.25, 7)
#---
'%s' % 'only', '%s' % ('tuple',), '%s %s' % ('a', 'b'), '%(a)s-%(a)s' % {'a': 1}
#---
'%d%%' % 50, '%.0f' % 2.5, '%.0f' % 3.5, '%.1f' % 0.05, '%e' % 0, '%g' % 1e-5, '%g' % 123456.0, '%g' % 1234567.0
#---
str(1e-4), str(1e-5), str(123456789.123), str(0.1 + 0.2), repr(1/3), str(2.0 ** 60), str(-2.5e-8)
#---
[round(x, 1) for x in (0.05, 0.15, 0.25, 0.35, 0.45, 1.45, 2.55)]
#---
round(123.456), round(-0.5), round(1e20), round(2.5, 0), round(-2.675, 2), round(1.23456789, 5)
#---
int('  0b101  ', 0) if False else int('0b101', 0), int('0o17', 0), int('0x1A', 0), int('99', 0)
#---
int('09', 0)
#---
float('  3.5e2  '), float('-.5'), float('5.'), float('1_000.5'), float('+inf')
#---
1 < 2 == 2 > 1, 1 < 2 > 3, (1 < 2) < 3, 'a' < 'b' < 'c', [1] < [2] < [3]
#---
x = [0, 1, 2, 3, 4, 5]
x[1:5:2] = ['a', 'b']
y = x[:]
del y[::3]
r = (x, y, x[-1:-7:-2], x[100:], x[-100:2])
#---
a = b = c = 0
a += 1
b, c = c + 5, b + 7
r = (a, b, c)
#---
(a, b), (c, d) = [1, 2], 'xy'
[e, [f, g]] = (3, (4, 5))
r = (a, b, c, d, e, f, g)
#---
for i, (k, v) in enumerate(sorted({'b': 2, 'a': 1}.items())):
    r = (i, k, v)
#---
first, *middle, last = range(10)
r = (first, middle, last)
#---
*init, = 'abc'
r = init
#---
t = 1,
r = (t, (1), (1,), ((1, 2),), ())
#---
r = [i for i in range(3)] + [j * 2 for j in range(3) if j] + [k for k in []]
#---
words = ['apple', 'Banana', 'cherry', 'date']
r = (sorted(words), sorted(words, key=len), sorted(words, key=lambda w: (len(w), w.lower())), max(words, key=len))
#---
r = sorted([('b', 2), ('a', 2), ('c', 1)], key=lambda t: t[1])
#---
r = list(zip(*[(1, 'a'), (2, 'b'), (3, 'c')]))
#---
d = {}
for k, v in [('a', 1), ('b', 2), ('a', 3)]:
    d.setdefault(k, []).append(v)
r = d
#---
d = {'x': 1, 'y': 2}
r = {v: k for k, v in d.items()}, dict(sorted(d.items(), reverse=True)), list(reversed(list(d)))
#---
s = 'The quick brown fox'
r = (s.split(), s.lower().count('o'), s[::-1], s.title(), s.swapcase(), ' '.join(w[::-1] for w in s.split()), s.find('quick'), s.replace(' ', '_'))
#---
s = 'a-b_c d'
r = s.replace('-', ' ').replace('_', ' ').split(' ')
#---
r = '  multiple   spaces here  '.split(), 'no-sep'.split(','), 'trailing,'.split(','), ',leading'.split(',')
#---
r = ('%s' % None, str(None), repr(None), None == None, None is None, not None, bool(None))
#---
x = None
r = x or 'default', x and 'never', (x is None) and 'none', [] or {} or 0 or '' or 'last'
#---
r = [bool(v) for v in (0, 0.0, -0.0, 1, -1, '', ' ', [], [[]], (), (0,), {}, {0: 0}, set(), None)]
#---
def f(*args, **kwargs):
    return len(args), sorted(kwargs)
r = f(), f(1, 2), f(a=1), f(1, b=2, c=3)
#---
def f(a, b=[]):
    b = b + [a]
    return b
r = f(1), f(2), f(3, [0])
#---
def outer(n):
    def inner(m):
        return n * m
    return inner
double = outer(2)
triple = outer(3)
r = double(5), triple(5), outer(4)(outer(5)(1))
#---
def f():
    results = []
    for i in range(3):
        results.append(lambda: i)
    return [g() for g in results]
r = f()
#---
def f(n):
    total = 0
    def add(x):
        nonlocal_total = total + x
        return nonlocal_total
    return add(n)
r = f(5)
#---
def f(x):
    return x * 2 if x > 0 else -x
r = list(map(f, [-2, -1, 0, 1, 2]))
#---
def safe_div(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        return float('inf')
    finally:
        pass
r = safe_div(1, 2), safe_div(1, 0)
#---
def validate(d):
    errors = []
    for field in ('name', 'email'):
        if not d.get(field):
            errors.append(field)
    if errors:
        raise ValueError('Missing required fields: %s' % ', '.join(repr(e) for e in errors))
    return True
try:
    validate({'name': 'x'})
except ValueError as e:
    r = str(e)
#---
try:
    raise ValueError("Missing required fields: 'name' and 'email'")
except Exception as e:
    r = (type(e) is ValueError, e.args, str(e))
#---
try:
    x = int('abc')
except (ValueError, TypeError) as e:
    r = 'bad: ' + str(e)
#---
try:
    [1, 2, 3][1:2] = 5
except TypeError as e:
    r = str(e)
#---
try:
    d = {}
    d[[1]] = 2
except TypeError as e:
    r = str(e)
#---
try:
    x = 1 + None
except TypeError as e:
    r = str(e)
#---
try:
    x = 'abc' + 5
except TypeError as e:
    r = str(e)
#---
try:
    x = len(5)
except TypeError as e:
    r = str(e)
#---
try:
    x = None.foo
except AttributeError as e:
    r = str(e)
#---
try:
    'x'.join([1])
except TypeError as e:
    r = str(e)
#---
try:
    x = {'a': 1}['b']
except KeyError as e:
    r = repr(e), str(e), e.args
#---
try:
    r = 10 / 0
except ArithmeticError as e:
    r = 'arith: ' + str(e)
#---
try:
    int(None)
except TypeError as e:
    r = str(e)
#---
try:
    float([1])
except TypeError as e:
    r = str(e)
#---
try:
    max()
except TypeError as e:
    r = str(e)
#---
try:
    sorted([1, None])
except TypeError as e:
    r = str(e)
#---
try:
    range('a')
except TypeError as e:
    r = str(e)
#---
try:
    'abc'[1] = 'x'
except TypeError as e:
    r = str(e)
#---
try:
    (1, 2).append(3)
except AttributeError as e:
    r = str(e)
#---
try:
    x = [1, 2, 3]
    x.remove(4)
except ValueError as e:
    r = str(e)
#---
try:
    r = {1, 2}[0]
except TypeError as e:
    r = str(e)
#---
try:
    r = 5 % 'a'
except TypeError as e:
    r = str(e)
#---
try:
    r = [1] * [2]
except TypeError as e:
    r = str(e)
#---
try:
    r = 'a' < 1
except TypeError as e:
    r = str(e)
#---
try:
    r = chr('a')
except TypeError as e:
    r = str(e)
#---
try:
    r = abs('a')
except TypeError as e:
    r = str(e)
#---
try:
    r = ord('')
except TypeError as e:
    r = str(e)
#---
try:
    r = divmod(1, 0)
except ZeroDivisionError as e:
    r = str(e)
#---
try:
    r = dict([1, 2])
except TypeError as e:
    r = str(e)
#---
try:
    r = dict([(1, 2, 3)])
except ValueError as e:
    r = str(e)
#---
try:
    a, b = {'x': 1}
except ValueError as e:
    r = str(e)
#---
try:
    a, b = 5
except TypeError as e:
    r = str(e)
#---
try:
    x = undefined + 1
except NameError as e:
    r = str(e)
#---
try:
    x = [][0]
except IndexError as e:
    r = str(e)
#---
try:
    x = ''[0]
except IndexError as e:
    r = str(e)
#---
try:
    x = ()[0]
except IndexError as e:
    r = str(e)
#---
try:
    x = [1].pop(5)
except IndexError as e:
    r = str(e)
#---
try:
    x = {}.popitem()
except KeyError as e:
    r = str(e)
#---
try:
    x = set().pop()
except KeyError as e:
    r = str(e)
#---
try:
    x = '{0} {1}'.format(1)
except IndexError as e:
    r = str(e)
#---
try:
    x = '{a}'.format(b=1)
except KeyError as e:
    r = str(e)
#---
try:
    x = next(iter([]))
except StopIteration as e:
    r = ('stop', e.args)
#---
try:
    x = 2 ** 10000 * 1.0
except OverflowError as e:
    r = str(e)
#---
try:
    x = float(10 ** 400)
except OverflowError as e:
    r = str(e)
#---
try:
    x = round(float('nan'))
except ValueError as e:
    r = str(e)
#---
try:
    x = int(float('inf'))
except OverflowError as e:
    r = str(e)
#---
try:
    x = [1, 2, 3].index(1, 1)
except ValueError as e:
    r = str(e)
#---
try:
    x = 'a'.center(5, 'xy')
except TypeError as e:
    r = str(e)
#---
try:
    x = '%d' % None
except TypeError as e:
    r = str(e)
#---
try:
    x = '%s %s' % 1
except TypeError as e:
    r = str(e)
#---
a = [1, 2]
a.append(a)
d = {'k': 1}
d['self'] = d
r = (repr(a), str(d), len(a), a[2] is a, repr([a, a]))
#---
len(range(-2 ** 62, 2 ** 62, 3)), range(-2 ** 62, 2 ** 62, 3)[-1], 2 ** 62 - 1 in range(0, 2 ** 62)
#---
len(range(-2 ** 63, 2 ** 63 - 1))
#---
'%.1001f' % 1.0
#---
format(1.0, '.2000f')
