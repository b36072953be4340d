'hello' + ' ' + 'world'
#---
'ab' * 3, 3 * 'xy', 'a' * 0, 'a' * -2
#---
'a' + 1
#---
'a' * 'b'
#---
len('hello'), len(''), len('héllo')
#---
'hello'[1], 'hello'[-1], 'hello'[1:3], 'hello'[::-1], 'hello'[::2], 'hello'[10:], 'hello'[-3:]
#---
'hello'[5]
#---
'hello'['a']
#---
'Hello World'.upper(), 'Hello World'.lower(), 'hello world'.title(), 'hELLO'.capitalize(), 'Hello'.swapcase()
#---
'  pad  '.strip(), '  pad  '.lstrip(), '  pad  '.rstrip(), 'xxpadxx'.strip('x'), '\t\n a \r\n'.strip()
#---
'a,b,,c'.split(','), 'a b  c '.split(), ' a b '.split(None, 1), 'a,b,c'.split(',', 1), 'a,b,c'.rsplit(',', 1)
#---
''.split(), ''.split(','), 'abc'.split('b'), '  x  y  '.rsplit(None, 1), 'a b c'.rsplit()
#---
'a'.split('')
#---
'line1\nline2\r\nline3'.splitlines(), 'a\n\nb\n'.splitlines(), 'x\ny'.splitlines(True)
#---
'-'.join(['a', 'b', 'c']), ''.join([]), ', '.join('abc'), ' '.join(str(i) for i in range(4))
#---
'-'.join([1, 2])
#---
'hello'.replace('l', 'L'), 'hello'.replace('l', 'L', 1), 'aaa'.replace('a', 'bb'), 'abc'.replace('', '-')
#---
'hello'.startswith('he'), 'hello'.endswith('lo'), 'hello'.startswith(('x', 'h')), 'hello'.startswith('l', 2), 'hello'.endswith('l', 0, 4)
#---
'hello'.find('l'), 'hello'.rfind('l'), 'hello'.find('z'), 'hello'.index('e'), 'hello'.count('l'), 'aaaa'.count('aa'), 'abc'.count('')
#---
'hello'.index('z')
#---
'abc123'.isalnum(), 'abc'.isalpha(), '123'.isdigit(), '   '.isspace(), 'ABC'.isupper(), 'abc'.islower(), ''.isdigit(), 'a1'.isalpha()
#---
'42'.zfill(5), '-42'.zfill(5), 'abc'.center(9, '*'), 'abc'.ljust(6) + '|', 'abc'.rjust(6, '.'), 'ab'.center(5), 'abc'.center(6)
#---
'a=b=c'.partition('='), 'a=b=c'.rpartition('='), 'abc'.partition('x'), 'abc'.rpartition('x')
#---
'prefix_name'.removeprefix('prefix_'), 'file.txt'.removesuffix('.txt'), 'abc'.removeprefix('x')
#---
'abc' < 'abd', 'a' < 'B', 'Z' < 'a', 'abc' == 'abc', 'abc' != 'abd', '' < 'a'
#---
'a' in 'abc', 'bc' in 'abc', 'x' not in 'abc', '' in 'abc'
#---
1 in 'abc'
#---
repr('hello'), repr("it's"), repr('say "hi"'), repr('both \' and "'), repr('tab\there'), repr('nl\n'), repr('back\\slash')
#---
repr('\x00\x1f\x7f'), repr('é'), repr('\u20ac'), repr('\u200b'), repr('\U0001F600')
#---
'\x41\u0042\N{LATIN SMALL LETTER A}' if False else '\x41\u0042\103'
#---
r'raw\nstring', r'\d+', len(r'\n'), 'a\
b'
#---
"""triple
quoted""", '''single
triple'''
#---
'abc' 'def' "ghi"
#---
str(123), str(-4.5), str(True), str(None), str([1, 'a']), str((1,)), str({'a': 1})
#---
ord('a'), chr(97), ord('€'), chr(8364), chr(0x1F600) == '\U0001F600'
#---
ord('ab')
#---
chr(-1)
#---
'abc'.encode if False else 'x'.upper()
#---
'%s and %s' % ('a', 'b'), '%5s|%-5s|' % ('ab', 'cd'), '%.2s' % 'abcdef', '%r' % 'q', '%%' % ()
#---
'%d items' % 5, '%05d' % 42, '%+d' % 5, '% d' % 5, '%-6d|' % 7, '%3d' % 12345
#---
'%f' % 3.14159, '%.2f' % 2.675, '%10.3f|' % 3.14159, '%-10.1f|' % 2.25, '%e' % 12345.678, '%.3e' % 0.000123, '%g' % 0.0001, '%g' % 123456789.0
#---
'%(name)s is %(age)d' % {'name': 'Bob', 'age': 30}
#---
'%s %s' % ('a',)
#---
'%s' % ('a', 'b')
#---
'%d' % 'x'
#---
'%c%c' % (65, 'b'), '%s' % [1, 2], '%s' % (None,), '%*d' % (5, 42), '%.*f' % (2, 3.14159)
#---
'{} {}'.format('a', 'b'), '{1} {0}'.format('a', 'b'), '{name}!'.format(name='x'), '{0}{0}'.format('ab')
#---
'{:>8}|{:<8}|{:^8}|'.format('r', 'l', 'c'), '{:*^9}'.format('mid'), '{:05d}'.format(42), '{:+.2f}'.format(3.14159)
#---
'{:,}'.format(1234567), '{:_}'.format(1234567), '{:,.2f}'.format(1234567.891), '{:.1%}'.format(0.256), '{:e}'.format(1234.5)
#---
'{:x}'.format(255), '{:#x}'.format(255), '{:#b}'.format(5), '{:o}'.format(8), '{:X}'.format(3054), '{:08b}'.format(5)
#---
'{0[0]}{0[1]}'.format('xy'), '{0[a]}'.format({'a': 5}), '{!r}'.format('s'), '{:>{w}}'.format('v', w=4)
#---
'{} {}'.format('a')
#---
'{:d}'.format('a')
#---
'{'.format(1)
#---
'}'.format(1)
#---
'{{}} {}'.format(7)
#---
format(3.14159, '.2f'), format(42, '>6'), format('s', '^5'), format(1e16, ''), format(0.5, '%'), format(12, 'x')
#---
format(1.0, ''), format(1.0, '.3'), format(1234.5, '.2'), format(0.0001234, '.2'), format(100.0, 'g'), format(1e-5, 'g')
#---
format(123.456, '10.2f'), format(-3.5, '08.2f'), format(3, '.2f'), format(True, 'd'), format(2.5, '.0f'), format(3.5, '.0f')
#---
format(1e100, '.3g'), format(123456, 'e'), format(0.0, 'e'), format(-0.0, '.1f'), format(float('inf'), 'f'), format(float('nan'), '.2f')
#---
name = 'World'
n = 3
r = f'Hello {name}! {n + 1} {n * 2.5:.1f} {name!r} {name:>8} {{literal}}'
#---
x = 12.3456
r = f'{x:.2f}|{x:10.3f}|{x:<10}|{x:e}|{int(x):05d}|{x:.0f}'
#---
w = 7
p = 2
r = f'{3.14159:{w}.{p}f}|{"nested":{"^"}{w + 3}}|'
#---
d = {'k': 'v'}
r = f"{d['k']} {len(d)} {[1, 2][1]} {'yes' if d else 'no'}"
#---
x = 5
r = f'{x=} {x * 2=} {x=:>4}'
#---
r = f'{1}' f'{2}' '3' f"{'4'}"
#---
r = f'{"a" "b"}{3:{4}}'
#---
'abc'.upper().lower().title().replace('A', 'x')
#---
s = ''
for c in 'hello':
    s = c + s
r = s
#---
'x'.join(reversed('abc')), sorted('banana'), list('abc'), tuple('ab'), set('aab') == {'a', 'b'}
#---
'Hello World'.count('o'), 'Hello'.find('l', 3), 'Hello'.rfind('l', 0, 3), 'a-b-c'.split('-', -1)
#---
'tab\tsep'.expandtabs(4), 'a\tb'.expandtabs(), '01\t012\t0123'.expandtabs(4)
#---
'ß'.upper() if False else 'straße'.lower(), 'İ'.lower() if False else 'abc'.casefold()
#---
'a,b;c'.replace(',', ';').split(';'), 'key=value'.split('=', 1)[1], 'CamelCase'.lower()
#---
'abc'[1:1], 'abc'[2:1], 'abc'[-100:100], 'abcdef'[1:-1:2], 'abcdef'[::-2], 'abcdef'[-1:-4:-1]
#---
s = 'hello'
s[0] = 'H'
#---
'%s' % {'a': 1}, '%s-%s' % (1.5, None), '%s' % ((1, 2),), '%r' % (1.0,)
#---
'%.3f' % 1e10, '%.1f' % 0.05, '%.1f' % 0.15, '%.1f' % 0.25, '%.0f' % 0.5, '%.0f' % 1.5, '%.2f' % -0.001
#---
'%5.1f%%' % 99.5, '%-8s|' % 'abc', '%08.3f' % -3.14159, '%+.1e' % 12345.0, '%G' % 1e-10
#---
'{:10}|{:<5}|{:>5}|'.format(12, 3.5, 'ab'), '{:=+8}'.format(-42), '{:0=8}'.format(-42)
#---
'{:.3}'.format('abcdef'), '{:10.3}|'.format('abcdef'), '{:.2}'.format(3.14159), '{:g}'.format(1234567.0)
#---
str.upper('abc'), str.join(',', ['a', 'b']), str('x') + str(1)
