using System.Globalization;
using System.Text.Json.Nodes;
using Automation.Core.Records;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.7 Create Activity (<c>next_activity</c>): a <c>mail.activity</c> on the record of type
/// <c>activity_type_id</c>, titled <c>activity_summary</c> (default: the type's summary), due
/// <c>activity_date_deadline_range</c> days/weeks/months from today (UTC), for a specific user or the user a field path of
/// the record names (dotted paths work here; Odoo's membership test ignores them). Nothing happens without a type.
/// </summary>
internal static class CreateActivityAction
{
    public static async Task RunAsync(ActionCall call)
    {
        var (runner, action, cancellationToken) = (call.Runner, call.Action, call.Cancellation);
        if (ActionRunner.IdOf(action, "activity_type_id") is not { } typeId)
        {
            return;
        }

        var types = await runner.ModelAsync("mail.activity.type", cancellationToken);
        var type = await runner.Records.Store.FindAsync(types, typeId, cancellationToken)
                   ?? throw new ActionFailedException($"Activity type {typeId} does not exist.");
        var today = DateOnly.FromDateTime(runner.Services.Time.GetUtcNow().UtcDateTime);
        var range = (int)(ActionRunner.IdOf(action, "activity_date_deadline_range") ?? 0);
        var deadline = range <= 0 ? today : (action.Text("activity_date_deadline_range_type") ?? "days") switch
        {
            "weeks" => today.AddDays(7 * range),
            "months" => today.AddMonths(range),
            _ => today.AddDays(range),
        };
        long? user = null;
        if ((action.Text("activity_user_type") ?? "specific") == "generic")
        {
            var path = action.Text("activity_user_field_name") is { Length: > 0 } p ? p : "user_id";
            var (reached, ids) = await runner.FollowAsync(call.Model, [call.RecordId], path.Split('.'), call.Context, cancellationToken);
            if (reached.Name != "res.users")
            {
                throw new ActionFailedException($"The user field path '{path}' leads to {reached.Name} records, not to users.");
            }

            user = ids.Count > 0 ? ids[0] : null;
        }
        else
        {
            user = ActionRunner.IdOf(action, "activity_user_id");
        }

        var activity = new JsonObject
        {
            ["res_model"] = call.Model.Name,
            ["res_id"] = call.RecordId,
            ["activity_type_id"] = typeId,
            ["summary"] = action.Text("activity_summary") is { Length: > 0 } summary ? summary : type["summary"] as string ?? type["name"] as string,
            ["note"] = action.Text("activity_note"),
            ["date_deadline"] = deadline.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["user_id"] = user,
        };
        var model = await runner.ModelAsync("mail.activity", cancellationToken);
        if (model.HasField("automated"))
        {
            activity["automated"] = true;
        }

        await runner.Records.CreateAsync(model, activity, call.Change, cancellationToken);
    }
}
