using System.Numerics;
using System.Runtime.CompilerServices;

namespace Automation.Scripting.Runtime;

internal enum BinOp
{
    Add,
    Sub,
    Mul,
    TrueDiv,
    FloorDiv,
    Mod,
    Pow,
    LShift,
    RShift,
    BitAnd,
    BitOr,
    BitXor,
    MatMul,
}

internal static partial class Ops
{
    public static readonly string[] BinOpSymbols = ["+", "-", "*", "/", "//", "%", "**", "<<", ">>", "&", "|", "^", "@"];

    public static object? Binary(Run run, BinOp op, object? a, object? b) => op switch
    {
        BinOp.Add => Add(run, a, b),
        BinOp.Sub => Sub(run, a, b),
        BinOp.Mul => Mul(run, a, b),
        BinOp.TrueDiv => TrueDiv(run, a, b),
        BinOp.FloorDiv => FloorDiv(run, a, b),
        BinOp.Mod => Mod(run, a, b),
        BinOp.Pow => Pow(run, a, b),
        _ => Bitwise(run, op, a, b),
    };

    private static PyException Unsupported(BinOp op, object? a, object? b) =>
        PyException.TypeError($"unsupported operand type(s) for {(op == BinOp.Pow ? "** or pow()" : BinOpSymbols[(int)op])}: '{TypeName(a)}' and '{TypeName(b)}'");

    private static object? TryObjects(Run run, BinOp op, object? a, object? b)
    {
        var sym = BinOpSymbols[(int)op];
        if (a is PyObject pa)
        {
            var r = pa.BinaryOp(run, sym, b, false);
            if (r is not NotImplemented)
            {
                return r;
            }
        }

        if (b is PyObject pb)
        {
            var r = pb.BinaryOp(run, sym, a, true);
            if (r is not NotImplemented)
            {
                return r;
            }
        }

        throw Unsupported(op, a, b);
    }

    private static object CheckBig(Run run, BigInteger r)
    {
        if (r.GetBitLength() > run.Limits.MaxIntegerBits)
        {
            throw run.Limit(nameof(ScriptLimits.MaxIntegerBits), $"integer too large: more than {run.Limits.MaxIntegerBits} bits");
        }

        run.Alloc(r.GetByteCount());
        return Int(r);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object? Add(Run run, object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            var r = x + y;
            if (((x ^ r) & (y ^ r)) < 0)
            {
                return CheckBig(run, (BigInteger)x + y);
            }

            return Box(r);
        }

        return AddSlow(run, a, b);
    }

    private static object? AddSlow(Run run, object? a, object? b)
    {
        if (a is string s1 && b is string s2)
        {
            var len = (long)s1.Length + s2.Length;
            if (len > run.MaxString)
            {
                run.CheckString(len);
            }

            run.Alloc(len * 2);
            return string.Concat(s1, s2);
        }

        if (a is double da && b is double db)
        {
            return da + db;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double || b is double)
            {
                return ToDouble(a) + ToDouble(b);
            }

            return CheckBig(run, ToBig(a) + ToBig(b));
        }

        // str, list and tuple concatenation refuse any other right operand (sq_concat), as in CPython
        if (a is string)
        {
            throw PyException.TypeError($"can only concatenate str (not \"{TypeName(b)}\") to str");
        }

        if (a is PyList && b is not PyList)
        {
            throw PyException.TypeError($"can only concatenate list (not \"{TypeName(b)}\") to list");
        }

        if (a is PyTuple && b is not PyTuple)
        {
            throw PyException.TypeError($"can only concatenate tuple (not \"{TypeName(b)}\") to tuple");
        }

        return TryObjects(run, BinOp.Add, a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object? Sub(Run run, object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            var r = x - y;
            if (((x ^ y) & (x ^ r)) < 0)
            {
                return CheckBig(run, (BigInteger)x - y);
            }

            return Box(r);
        }

        if (a is double da && b is double db)
        {
            return da - db;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double || b is double)
            {
                return ToDouble(a) - ToDouble(b);
            }

            return CheckBig(run, ToBig(a) - ToBig(b));
        }

        return TryObjects(run, BinOp.Sub, a, b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object? Mul(Run run, object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            long r;
            try
            {
                r = checked(x * y);
            }
            catch (OverflowException)
            {
                return CheckBig(run, (BigInteger)x * y);
            }

            return Box(r);
        }

        return MulSlow(run, a, b);
    }

    private static object? MulSlow(Run run, object? a, object? b)
    {
        if (a is double da && b is double db)
        {
            return da * db;
        }

        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double || b is double)
            {
                return ToDouble(a) * ToDouble(b);
            }

            var ba = ToBig(a);
            var bb = ToBig(b);
            if (ba.GetBitLength() + bb.GetBitLength() > run.Limits.MaxIntegerBits + 1)
            {
                throw run.Limit(nameof(ScriptLimits.MaxIntegerBits), $"integer too large: more than {run.Limits.MaxIntegerBits} bits");
            }

            return CheckBig(run, ba * bb);
        }

        if (a is string s && IsInt(b))
        {
            return StrMethods.Repeat(run, s, b);
        }

        if (b is string s2 && IsInt(a))
        {
            return StrMethods.Repeat(run, s2, a);
        }

        if (IsInt(a) && b is PyObject pb)
        {
            var r = pb.BinaryOp(run, "*", a, true);
            if (r is not NotImplemented)
            {
                return r;
            }
        }

        if ((a is string || a is PyList || a is PyTuple) && !IsInt(b))
        {
            if (b is PyObject pb2 && pb2.BinaryOp(run, "*", a, true) is var r2 && r2 is not NotImplemented)
            {
                return r2;
            }

            throw PyException.TypeError($"can't multiply sequence by non-int of type '{TypeName(b)}'");
        }

        if ((b is string || b is PyList || b is PyTuple) && !IsInt(a))
        {
            if (a is PyObject pa2 && pa2.BinaryOp(run, "*", b, false) is var r3 && r3 is not NotImplemented)
            {
                return r3;
            }

            throw PyException.TypeError($"can't multiply sequence by non-int of type '{TypeName(a)}'");
        }

        return TryObjects(run, BinOp.Mul, a, b);
    }

    public static object? TrueDiv(Run run, object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
        {
            if (a is long x && b is long y && Math.Abs(x) < (1L << 53) && Math.Abs(y) < (1L << 53))
            {
                if (y == 0)
                {
                    throw PyException.ZeroDivision("division by zero");
                }

                return (double)x / y;
            }

            if (IsInt(a) && IsInt(b))
            {
                var bb = ToBig(b);
                if (bb.IsZero)
                {
                    throw PyException.ZeroDivision("division by zero");
                }

                return BigTrueDiv(ToBig(a), bb);
            }

            var d = ToDouble(b);
            if (d == 0)
            {
                throw PyException.ZeroDivision("float division by zero");
            }

            return ToDouble(a) / d;
        }

        return TryObjects(run, BinOp.TrueDiv, a, b);
    }

    private static double BigTrueDiv(BigInteger a, BigInteger b)
    {
        // Correctly rounded like CPython: a 55-bit quotient with a sticky bit, rounded once by the long → double
        // conversion (round half to even), then scaled by a power of two.
        var negative = (a.Sign < 0) != (b.Sign < 0);
        var n = BigInteger.Abs(a);
        var d = BigInteger.Abs(b);
        if (n.IsZero)
        {
            return negative ? -0.0 : 0.0;
        }

        var shift = (int)(d.GetBitLength() - n.GetBitLength()) + 55;
        var q = BigInteger.DivRem(shift > 0 ? n << shift : n, shift < 0 ? d << -shift : d, out var rem);
        while (q.GetBitLength() > 55)
        {
            rem |= q & 1;
            q >>= 1;
            shift--;
        }

        if (!rem.IsZero)
        {
            q |= 1;
        }

        var result = Math.ScaleB((double)(long)q, -shift);
        if (double.IsInfinity(result))
        {
            throw PyException.Overflow("integer division result too large for a float");
        }

        return negative ? -result : result;
    }

    public static object? FloorDiv(Run run, object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            if (y == 0)
            {
                throw PyException.ZeroDivision("integer division or modulo by zero");
            }

            if (x == long.MinValue && y == -1)
            {
                return CheckBig(run, -(BigInteger)x);
            }

            var q = x / y;
            if ((x % y != 0) && ((x < 0) != (y < 0)))
            {
                q--;
            }

            return Box(q);
        }

        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double || b is double)
            {
                return FloatDivMod(ToDouble(a), ToDouble(b), "float floor division by zero").Div;
            }

            var bb = ToBig(b);
            if (bb.IsZero)
            {
                throw PyException.ZeroDivision("integer division or modulo by zero");
            }

            return Int(BigFloorDiv(ToBig(a), bb));
        }

        return TryObjects(run, BinOp.FloorDiv, a, b);
    }

    private static BigInteger BigFloorDiv(BigInteger a, BigInteger b)
    {
        var q = BigInteger.DivRem(a, b, out var r);
        if (!r.IsZero && ((r.Sign < 0) != (b.Sign < 0)))
        {
            q -= 1;
        }

        return q;
    }

    public static (double Div, double Mod) FloatDivMod(double vx, double wx, string zeroMessage)
    {
        if (wx == 0)
        {
            throw PyException.ZeroDivision(zeroMessage);
        }

        var mod = vx % wx;
        var div = (vx - mod) / wx;
        if (mod != 0)
        {
            if ((wx < 0) != (mod < 0))
            {
                mod += wx;
                div -= 1.0;
            }
        }
        else
        {
            mod = Math.CopySign(0.0, wx);
        }

        double floordiv;
        if (div != 0)
        {
            floordiv = Math.Floor(div);
            if (div - floordiv > 0.5)
            {
                floordiv += 1.0;
            }
        }
        else
        {
            floordiv = Math.CopySign(0.0, vx / wx);
        }

        return (floordiv, mod);
    }

    public static object? Mod(Run run, object? a, object? b)
    {
        if (a is long x && b is long y)
        {
            if (y == 0)
            {
                throw PyException.ZeroDivision("integer modulo by zero");
            }

            if (y == -1)
            {
                return Box(0);
            }

            var r = x % y;
            if (r != 0 && ((r < 0) != (y < 0)))
            {
                r += y;
            }

            return Box(r);
        }

        if (a is string s)
        {
            return Formatting.Percent(run, s, b);
        }

        if (IsNumber(a) && IsNumber(b))
        {
            if (a is double || b is double)
            {
                return FloatDivMod(ToDouble(a), ToDouble(b), "float modulo").Mod;
            }

            var bb = ToBig(b);
            if (bb.IsZero)
            {
                throw PyException.ZeroDivision("integer modulo by zero");
            }

            var ba = ToBig(a);
            var r = BigInteger.Remainder(ba, bb);
            if (!r.IsZero && ((r.Sign < 0) != (bb.Sign < 0)))
            {
                r += bb;
            }

            return Int(r);
        }

        return TryObjects(run, BinOp.Mod, a, b);
    }

    public static object? Pow(Run run, object? a, object? b)
    {
        if (IsInt(a) && IsInt(b))
        {
            var e = ToBig(b);
            var bs = ToBig(a);
            if (e.Sign < 0)
            {
                if (bs.IsZero)
                {
                    throw PyException.ZeroDivision("0.0 cannot be raised to a negative power");
                }

                return FloatPow(ToDouble(a), ToDouble(b));
            }

            if (bs.IsZero || bs.IsOne)
            {
                return e.IsZero ? Box(1) : Int(bs);
            }

            if (bs == BigInteger.MinusOne)
            {
                return Box(e.IsEven ? 1 : -1);
            }

            var bits = (double)BigInteger.Abs(bs).GetBitLength() * (double)e;
            if (bits > run.Limits.MaxIntegerBits + 64)
            {
                throw run.Limit(nameof(ScriptLimits.MaxIntegerBits), $"integer too large: more than {run.Limits.MaxIntegerBits} bits");
            }

            if (a is long la && bits < 62)
            {
                long r = 1;
                for (long i = 0; i < (long)e; i++)
                {
                    r *= la;
                }

                return Box(r);
            }

            return CheckBig(run, BigInteger.Pow(bs, (int)e));
        }

        if (IsNumber(a) && IsNumber(b))
        {
            return FloatPow(ToDouble(a), ToDouble(b));
        }

        return TryObjects(run, BinOp.Pow, a, b);
    }

    private static double FloatPow(double x, double y)
    {
        if (x == 0 && y < 0)
        {
            throw PyException.ZeroDivision("0.0 cannot be raised to a negative power");
        }

        if (x < 0 && Math.Floor(y) != y && double.IsFinite(y))
        {
            throw PyException.ValueError("complex numbers are not supported");
        }

        var r = Math.Pow(x, y);
        if (double.IsInfinity(r) && double.IsFinite(x) && double.IsFinite(y))
        {
            throw PyException.Make(PyExceptionType.OverflowError, "(34, 'Numerical result out of range')");
        }

        return r;
    }

    private static object? Bitwise(Run run, BinOp op, object? a, object? b)
    {
        if (a is bool ab && b is bool bb2 && op is BinOp.BitAnd or BinOp.BitOr or BinOp.BitXor)
        {
            return op switch
            {
                BinOp.BitAnd => ab & bb2,
                BinOp.BitOr => ab | bb2,
                _ => ab ^ bb2,
            };
        }

        if (IsInt(a) && IsInt(b))
        {
            if (a is long x && b is long y)
            {
                switch (op)
                {
                    case BinOp.BitAnd: return Box(x & y);
                    case BinOp.BitOr: return Box(x | y);
                    case BinOp.BitXor: return Box(x ^ y);
                    case BinOp.RShift:
                        if (y < 0)
                        {
                            throw PyException.ValueError("negative shift count");
                        }

                        return Box(y >= 64 ? (x < 0 ? -1 : 0) : x >> (int)y);
                    case BinOp.LShift:
                        if (y < 0)
                        {
                            throw PyException.ValueError("negative shift count");
                        }

                        if (y < 62 && Math.Abs(x) < (1L << (62 - (int)y)))
                        {
                            return Box(x << (int)y);
                        }

                        break;
                }
            }

            var ba = ToBig(a);
            var bb = ToBig(b);
            switch (op)
            {
                case BinOp.BitAnd: return Int(ba & bb);
                case BinOp.BitOr: return Int(ba | bb);
                case BinOp.BitXor: return Int(ba ^ bb);
                case BinOp.LShift:
                    if (bb.Sign < 0)
                    {
                        throw PyException.ValueError("negative shift count");
                    }

                    if (bb > long.MaxValue)
                    {
                        throw PyException.Overflow("too many digits in integer");
                    }

                    if (ba.IsZero)
                    {
                        return Box(0);
                    }

                    if (ba.GetBitLength() + bb > run.Limits.MaxIntegerBits)
                    {
                        throw run.Limit(nameof(ScriptLimits.MaxIntegerBits), $"integer too large: more than {run.Limits.MaxIntegerBits} bits");
                    }

                    return CheckBig(run, ba << (int)bb);
                case BinOp.RShift:
                    if (bb.Sign < 0)
                    {
                        throw PyException.ValueError("negative shift count");
                    }

                    return Int(bb > int.MaxValue ? (ba.Sign < 0 ? -1 : 0) : ba >> (int)bb);
            }
        }

        return TryObjects(run, op, a, b);
    }

    public static object? Neg(Run run, object? a) => a switch
    {
        long l => l == long.MinValue ? CheckBig(run, -(BigInteger)l) : Box(-l),
        double d => -d,
        bool b => Box(b ? -1 : 0),
        BigInteger bi => Int(-bi),
        PyObject p when p.BinaryOp(run, "neg", null, false) is var r && r is not NotImplemented => r,
        _ => throw PyException.TypeError($"bad operand type for unary -: '{TypeName(a)}'"),
    };

    public static object? Pos(object? a) => a switch
    {
        long or double or BigInteger => a,
        bool b => Box(b ? 1 : 0),
        _ => throw PyException.TypeError($"bad operand type for unary +: '{TypeName(a)}'"),
    };

    public static object? Invert(object? a) => a switch
    {
        long l => Box(~l),
        bool b => Box(b ? -2 : -1),
        BigInteger bi => Int(-bi - 1),
        _ => throw PyException.TypeError($"bad operand type for unary ~: '{TypeName(a)}'"),
    };
}
