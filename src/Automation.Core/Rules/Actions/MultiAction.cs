namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.12 Multi Actions (<c>multi</c>): runs <c>child_ids</c> in <c>sequence, name, id</c> order on the same record,
/// each with the same context. Cycles are refused when the rule is saved; the depth limit guards the rest.
/// </summary>
internal static class MultiAction
{
    public static async Task RunAsync(ActionCall call)
    {
        if (call.Depth >= ActionRunner.MaxMultiDepth)
        {
            throw new ActionFailedException($"Multi actions nest more than {ActionRunner.MaxMultiDepth} deep.");
        }

        foreach (var child in call.Action.Children)
        {
            await call.Runner.RunAsync(call with { Action = child, Depth = call.Depth + 1 });
        }
    }
}
