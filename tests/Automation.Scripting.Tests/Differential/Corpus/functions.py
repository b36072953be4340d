def add(a, b):
    return a + b
r = add(2, 3), add('a', 'b'), add([1], [2])
#---
def f(a, b=10, *args, c=5, **kw):
    return (a, b, args, c, kw)
r = (f(1), f(1, 2), f(1, 2, 3, 4), f(1, c=9), f(1, d=4), f(b=3, a=1))
#---
def f(a, b):
    return a
r = f(1)
#---
def f(a, b):
    return a
r = f(1, 2, 3)
#---
def f(a, b=1):
    return a
r = f(1, 2, 3)
#---
def f(a):
    return a
r = f(b=1)
#---
def f(a):
    return a
r = f(1, a=2)
#---
def f(a, b, c):
    return a
r = f()
#---
def f(*, key):
    return key
r = f(key=1), 
#---
def f(*, key):
    return key
r = f()
#---
def f():
    pass
r = f()
#---
def f():
    return
r = f(), 'n'
#---
def outer():
    x = 1
    def inner():
        return x + 1
    return inner()
r = outer()
#---
def counter():
    count = [0]
    def inc():
        count[0] += 1
        return count[0]
    return inc
c = counter()
c()
c()
r = c()
#---
def make_adders():
    return [lambda x, i=i: x + i for i in range(3)]
r = [f(10) for f in make_adders()]
#---
def make_adders():
    return [lambda x: x + i for i in range(3)]
r = [f(10) for f in make_adders()]
#---
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
r = fact(20), fact(30)
#---
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
r = [fib(i) for i in range(15)]
#---
def apply(f, *args, **kwargs):
    return f(*args, **kwargs)
r = apply(max, 3, 9, 2), apply(sorted, [3, 1], reverse=True), apply(dict, a=1)
#---
def f(a, b, c):
    return a * 100 + b * 10 + c
args = (1, 2)
kw = {'c': 3}
r = f(*args, **kw), f(*[1], **{'b': 2, 'c': 3})
#---
def f(**kw):
    return sorted(kw.items())
r = f(**{'x': 1, 'y': 2}, z=3)
#---
def f(a, b):
    return a
r = f(1, **{'a': 2})
#---
def compose(f, g):
    return lambda x: f(g(x))
inc = lambda x: x + 1
dbl = lambda x: x * 2
r = compose(inc, dbl)(5), compose(dbl, inc)(5)
#---
def f(x, acc=[]):
    acc.append(x)
    return acc
f(1)
r = f(2)
#---
def outer():
    a = 1
    def mid():
        def inner():
            return a
        return inner()
    return mid()
r = outer()
#---
def f():
    x = 1
    g = lambda: x
    x = 2
    return g()
r = f()
#---
fs = []
for i in range(3):
    def f(i=i):
        return i * i
    fs.append(f)
r = [g() for g in fs]
#---
def f(n):
    return [n * k for k in range(n)]
r = list(map(f, range(4)))
#---
def gen_squares(n):
    return (i * i for i in range(n))
r = sum(gen_squares(10))
#---
key = lambda p: (p['age'], p['name'])
people = [{'name': 'b', 'age': 30}, {'name': 'a', 'age': 30}, {'name': 'c', 'age': 20}]
r = [p['name'] for p in sorted(people, key=key)]
#---
def f(a, *rest):
    return len(rest)
r = f(*range(10))
#---
def deep(n):
    return n if n == 0 else deep(n - 1)
r = deep(150)
#---
def f():
    return 1, 2
a, b = f()
r = a + b
#---
def f(x):
    if x:
        y = 1
    return y
r = f(False)
#---
x = 'global'
def f():
    return x
def g():
    x = 'local'
    return f()
r = g()
#---
def f(a, b=2, /, c=3):
    return a + b + c
r = f(1), f(1, 1, 1)
#---
def f(x):
    def g():
        return x * 2
    x += 1
    return g()
r = f(5)
#---
r = (lambda f: f(f, 5))(lambda s, n: 1 if n == 0 else n * s(s, n - 1))
#---
def kw_only(a, *, b=2, c):
    return a, b, c
r = kw_only(1, c=3)
#---
1()
#---
'abc'()
#---
None()
#---
def f(a, a):
    pass
#---
def f(**kw):
    return kw
r = f(a=1, **{'a': 2})
#---
callable(len), callable(lambda: 0), callable(1), callable('s')
#---
def f(): return 42
r = f()
#---
def tree(n):
    if n == 0:
        return []
    return [tree(n - 1), tree(n - 1)]
r = tree(3)
#---
def memo_fib():
    cache = {}
    def fib(n):
        if n in cache:
            return cache[n]
        v = n if n < 2 else fib(n - 1) + fib(n - 2)
        cache[n] = v
        return v
    return fib
r = memo_fib()(90)
