r = []
for i in range(5):
    if i == 3:
        break
    r.append(i)
else:
    r.append('else')
#---
r = []
for i in range(3):
    r.append(i)
else:
    r.append('else')
#---
r = []
i = 0
while True:
    i += 1
    if i % 2:
        continue
    if i > 8:
        break
    r.append(i)
#---
i = 0
while i < 3:
    i += 1
else:
    i = 'done'
r = i
#---
r = []
for i in range(3):
    for j in range(3):
        if j == i:
            break
        r.append((i, j))
#---
x = 7
if x < 5:
    r = 'small'
elif x < 10:
    r = 'medium'
else:
    r = 'large'
#---
r = []
for x in [0, 1, '', 'a', None, [], [0], {}, 0.0, 0.1]:
    r.append('T' if x else 'F')
r = ''.join(r)
#---
r = 0
for i in range(1, 101):
    if i % 3 == 0 or i % 5 == 0:
        r += i
#---
fib = [0, 1]
while len(fib) < 20:
    fib.append(fib[-1] + fib[-2])
r = fib
#---
r = []
for a, b in [(1, 2), (3, 4)]:
    r.append(a * b)
for k, v in {'x': 1}.items():
    r.append(k * v)
for i, (a, b) in enumerate([('p', 'q')]):
    r.append((i, a, b))
#---
x = 5
del x
r = x
#---
r = undefined_name
#---
def f():
    y = x
    x = 1
    return y
r = f()
#---
pass
r = 'ok'
#---
x = 1; y = 2; r = x + y
#---
if True: r = 'inline'
#---
for i in range(3): pass
r = i
#---
r = [1 if x > 2 else 0 for x in range(5)]
#---
primes = []
for n in range(2, 50):
    for p in primes:
        if n % p == 0:
            break
    else:
        primes.append(n)
r = primes
#---
r = 0
n = 27
while n != 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    r += 1
#---
assert 1 == 1
r = 'passed'
#---
assert 1 == 2, 'one is not two'
#---
assert False
#---
assert [], ['list', 1]
#---
x = [1, 2, 3]
del x[1], x[0]
r = x
#---
d = {'a': 1, 'b': 2}
del d['a'], d['b']
r = d
#---
r = (lambda: 5)(), (lambda x, y=2: x * y)(3), (lambda *a, **k: (a, k))(1, z=2)
#---
if (n := 10) > 5:
    r = n * 2
#---
r = [y for x in range(5) if (y := x * 2) > 4]
#---
r = 'x'
for r in range(3):
    pass
#---
total = 0
for i in range(10):
    if i % 2 == 0:
        continue
    elif i == 7:
        break
    total += i
r = total
#---
r = []
for x in range(3):
    try:
        if x == 1:
            continue
        r.append(x)
    finally:
        r.append('f')
#---
def f():
    for i in range(5):
        try:
            return i
        finally:
            pass
r = f()
#---
def f():
    try:
        return 'try'
    finally:
        return 'finally'
r = f()
#---
def f():
    for i in range(3):
        try:
            raise ValueError('x')
        finally:
            break
    return 'swallowed'
r = f()
#---
x = 0
while x < 3:
    x += 1
    if x == 2:
        break
else:
    x = 100
r = x
