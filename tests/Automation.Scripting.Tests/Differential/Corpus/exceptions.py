try:
    raise ValueError('bad value')
except ValueError as e:
    r = (str(e), repr(e), e.args)
#---
try:
    {}['missing']
except KeyError as e:
    r = (str(e), e.args, repr(e))
#---
try:
    [][1]
except IndexError as e:
    r = str(e)
except Exception:
    r = 'generic'
#---
try:
    1 / 0
except (TypeError, ZeroDivisionError) as e:
    r = type(e) == ZeroDivisionError if False else ('caught', str(e))
#---
try:
    int('x')
except ArithmeticError:
    r = 'arith'
except LookupError:
    r = 'lookup'
except ValueError:
    r = 'value'
#---
try:
    r = 1
except Exception:
    r = 2
else:
    r = 3
finally:
    r = (r, 'finally')
#---
log = []
try:
    try:
        raise KeyError('k')
    finally:
        log.append('inner finally')
except KeyError:
    log.append('outer except')
r = log
#---
try:
    raise TypeError
except TypeError as e:
    r = (str(e), e.args)
#---
raise ValueError('top level')
#---
raise ValueError
#---
raise Exception('a', 'b')
#---
raise KeyError('key')
#---
try:
    try:
        raise ValueError('first')
    except ValueError:
        raise
except ValueError as e:
    r = 'reraised ' + str(e)
#---
try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError('converted')
except ValueError as e:
    r = str(e)
#---
try:
    raise ValueError('x') from None
except ValueError as e:
    r = str(e)
#---
def check(x):
    if x < 0:
        raise ValueError('negative: %d' % x)
    return x
results = []
for v in [1, -2, 3]:
    try:
        results.append(check(v))
    except ValueError as e:
        results.append(str(e))
r = results
#---
try:
    raise ZeroDivisionError('z')
except ArithmeticError as e:
    r = isinstance(e, ZeroDivisionError), isinstance(e, ArithmeticError), isinstance(e, Exception), isinstance(e, ValueError)
#---
e = ValueError('a', 1)
r = (e.args, str(e), repr(e), str(ValueError()), repr(KeyError()))
#---
try:
    raise IndexError('idx')
except:
    r = 'bare'
#---
r = []
for exc in [ValueError, TypeError, KeyError, IndexError]:
    try:
        raise exc('m')
    except (ValueError, KeyError) as e:
        r.append('VK:' + str(e))
    except Exception as e:
        r.append('E:' + str(e))
#---
try:
    x = 1
except NameError:
    x = 2
r = x
#---
try:
    undefined_thing
except NameError as e:
    r = str(e)
#---
try:
    (1).nope
except AttributeError as e:
    r = str(e)
#---
try:
    'abc'.nope()
except AttributeError as e:
    r = str(e)
#---
try:
    [].nope
except AttributeError as e:
    r = str(e)
#---
try:
    {}.nope
except AttributeError as e:
    r = str(e)
#---
try:
    len()
except TypeError as e:
    r = str(e)
#---
try:
    None + 1
except TypeError as e:
    r = str(e)
#---
try:
    [] + 1
except TypeError as e:
    r = str(e)
#---
try:
    1 + 'a'
except TypeError as e:
    r = str(e)
#---
try:
    -'a'
except TypeError as e:
    r = str(e)
#---
try:
    'a' - 'b'
except TypeError as e:
    r = str(e)
#---
try:
    raise UserError('odoo') if False else ValueError('v')
except ValueError as e:
    r = e.args[0]
#---
try:
    assert 0 > 1, 'math'
except AssertionError as e:
    r = str(e)
#---
def f():
    try:
        return 'body'
    finally:
        print_ = 'finally ran'
r = f()
#---
r = []
try:
    r.append(1)
    raise RuntimeError('rt')
    r.append(2)
except RuntimeError as e:
    r.append(str(e))
finally:
    r.append('end')
#---
try:
    raise 5
except TypeError as e:
    r = str(e)
#---
try:
    try:
        raise ValueError('inner')
    except TypeError:
        r = 'wrong handler'
except ValueError as e:
    r = 'outer got ' + str(e)
#---
e2 = None
try:
    raise ValueError('scoped')
except ValueError as e2:
    pass
try:
    e2
    r = 'bound'
except NameError as e:
    r = 'unbound: ' + str(e)
#---
try:
    raise KeyError(1, 2)
except KeyError as e:
    r = str(e)
#---
try:
    raise KeyError('')
except KeyError as e:
    r = str(e)
#---
str(ZeroDivisionError('x')), repr(ValueError('q')), repr(Exception()), str(Exception(None)), str(Exception(1, 2))
#---
try:
    raise Exception('base')
except BaseException as e:
    r = str(e)
#---
def risky(n):
    return 10 // n
r = []
for n in (2, 0, 5):
    try:
        r.append(risky(n))
    except ZeroDivisionError:
        r.append(None)
    else:
        r.append('ok')
#---
try:
    try:
        raise ValueError('v')
    finally:
        r = 'finally first'
except ValueError:
    r += ' then except'
#---
try:
    [1, 2].index(3)
except ValueError as e:
    r = str(e)
#---
try:
    'abc'.index('z')
except ValueError as e:
    r = str(e)
#---
try:
    int('1.5')
except ValueError as e:
    r = str(e)
#---
try:
    {1: 2}[[1]]
except TypeError as e:
    r = str(e)
#---
try:
    hash([1])
except TypeError as e:
    r = str(e)
#---
try:
    a, b = [1, 2, 3]
except ValueError as e:
    r = str(e)
#---
try:
    sorted([3, 'a'])
except TypeError as e:
    r = str(e)
