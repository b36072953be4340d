namespace Automation.Scripting.Tests.Modules;

/// <summary>Modules CPython's standard library cannot check for us (dateutil, pytz, Odoo's float_compare, time).</summary>
public class ModuleTests
{
    private static object? Eval(string expr) => ScriptEngine.Shared.Evaluate(expr);

    [Theory]
    [InlineData("datetime.date(2024, 1, 31) + dateutil.relativedelta.relativedelta(months=1)", "datetime.date(2024, 2, 29)")]
    [InlineData("datetime.date(2024, 3, 31) - relativedelta(months=1)", "datetime.date(2024, 2, 29)")]
    [InlineData("datetime.datetime(2024, 1, 15, 10) + relativedelta(years=1, days=2, hours=3)", "datetime.datetime(2025, 1, 17, 13, 0)")]
    [InlineData("datetime.date(2024, 5, 17) + relativedelta(day=1, months=1)", "datetime.date(2024, 6, 1)")]
    [InlineData("datetime.date(2024, 5, 17) + relativedelta(day=31)", "datetime.date(2024, 5, 31)")]
    [InlineData("datetime.date(2024, 5, 15) + relativedelta(weekday=0)", "datetime.date(2024, 5, 20)")]
    [InlineData("relativedelta(months=14)", "relativedelta(years=+1, months=+2)")]
    [InlineData("relativedelta(datetime.date(2024, 3, 15), datetime.date(2023, 1, 10))", "relativedelta(years=+1, months=+2, days=+5)")]
    [InlineData("dateutil.parser.parse('2024-05-17 08:30:00')", "datetime.datetime(2024, 5, 17, 8, 30)")]
    [InlineData("dateutil.parser.parse('2024-05-17T08:30:00Z')", "datetime.datetime(2024, 5, 17, 8, 30, tzinfo=<UTC>)")]
    [InlineData("dateutil.parser.parse('2024-05-17T10:30:00+02:00') == dateutil.parser.parse('2024-05-17T08:30:00Z')", "True")]
    [InlineData("timezone('Europe/Brussels').localize(datetime.datetime(2024, 7, 1, 12)).astimezone(timezone('UTC'))", "datetime.datetime(2024, 7, 1, 10, 0, tzinfo=<UTC>)")]
    [InlineData("datetime.datetime(2024, 1, 1, 12, tzinfo=timezone('UTC')).astimezone(timezone('Europe/Brussels')).strftime('%H:%M %z')", "'13:00 +0100'")]
    [InlineData("float_compare(0.1 + 0.2, 0.3, precision_digits=2)", "0")]
    [InlineData("float_compare(1.005, 1.0, precision_digits=2)", "1")]
    [InlineData("float_compare(1.004, 1.0, precision_digits=2)", "0")]
    [InlineData("float_compare(9.99, 10.0, precision_rounding=0.01)", "-1")]
    [InlineData("float_compare(2.675, 2.68, precision_digits=2)", "0")]
    [InlineData("len(time.strftime('%Y-%m-%d'))", "10")]
    [InlineData("time.time() > 1.7e9", "True")]
    [InlineData("datetime.datetime.now() - datetime.datetime.now() < datetime.timedelta(seconds=1)", "True")]
    [InlineData("Command.create({'name': 'x'}), Command.link(3), Command.set([1, 2]), Command.clear()", "((0, 0, {'name': 'x'}), (4, 3, 0), (6, 0, [1, 2]), (5, 0, 0))")]
    public void ModuleFunction_BehavesLikeOdoosLibraries(string expression, string expectedRepr)
    {
        Assert.Equal(expectedRepr, Eval($"repr(({expression}))"));
    }

    [Fact]
    public void FloatCompare_WithoutPrecision_IsAnError()
    {
        var e = Assert.Throws<ScriptRuntimeException>(() => Eval("float_compare(1.0, 2.0)"));

        Assert.Equal("AssertionError", e.TypeName);
    }

    [Fact]
    public void UnknownTimezone_RaisesKeyError()
    {
        var e = Assert.Throws<ScriptRuntimeException>(() => Eval("timezone('Mars/Olympus')"));

        Assert.Equal("KeyError", e.TypeName);
    }
}
