using System.Text.Json.Nodes;
using Automation.Core.Domains;
using Automation.Core.Records;

namespace Automation.Core.Rules.Actions;

/// <summary>
/// spec §5.9 Add / Remove Followers (<c>followers</c> / <c>remove_followers</c>): the partners in <c>partner_ids</c>
/// (<c>followers_type: specific</c>) or those a partner field path of the record reaches (<c>generic</c>,
/// <c>followers_partner_field_name</c>, default <c>partner_id</c>) become, or stop being, <c>mail.followers</c> of the record.
/// </summary>
internal static class FollowersAction
{
    public static async Task RunAsync(ActionCall call)
    {
        var partners = await PartnersAsync(call);
        if (call.Action.State == ActionTypes.AddFollowers)
        {
            await FollowAsync(call, call.Model.Name, call.RecordId, partners);
        }
        else
        {
            var followers = await call.Runner.ModelAsync("mail.followers", call.Cancellation);
            foreach (var follower in await FollowersOfAsync(call.Runner.Records, call.Model.Name, call.RecordId, call.Cancellation))
            {
                if (partners.Contains(follower.PartnerId))
                {
                    await call.Runner.Records.DeleteAsync(followers, follower.Id, null, call.Change, call.Cancellation);
                }
            }
        }
    }

    private static async Task<IReadOnlyList<long>> PartnersAsync(ActionCall call)
    {
        if ((call.Action.Text("followers_type") ?? "specific") == "generic")
        {
            var path = call.Action.Text("followers_partner_field_name") is { Length: > 0 } p ? p : "partner_id";
            var (reached, ids) = await call.Runner.FollowAsync(call.Model, [call.RecordId], path.Split('.'), call.Context, call.Cancellation);
            return reached.Name == "res.partner"
                ? ids
                : throw new ActionFailedException($"The followers field path '{path}' leads to {reached.Name} records, not to contacts (res.partner).");
        }

        return call.Action.Fields["partner_ids"] switch
        {
            JsonArray list => list.Select(ActionRunner.IdOf).OfType<long>().Distinct().ToList(),
            { } one when ActionRunner.IdOf(one) is { } id => [id],
            _ => [],
        };
    }

    /// <summary>Makes <paramref name="partners"/> followers of the record (those that already follow are left as they are).</summary>
    internal static async Task FollowAsync(ActionCall call, string model, long recordId, IReadOnlyList<long> partners)
    {
        if (partners.Count == 0)
        {
            return;
        }

        var followers = await call.Runner.ModelAsync("mail.followers", call.Cancellation);
        var existing = (await FollowersOfAsync(call.Runner.Records, model, recordId, call.Cancellation)).Select(f => f.PartnerId).ToHashSet();
        foreach (var partner in partners.Where(p => !existing.Contains(p)))
        {
            await call.Runner.Records.CreateAsync(followers, new JsonObject { ["res_model"] = model, ["res_id"] = recordId, ["partner_id"] = partner },
                call.Change, call.Cancellation);
        }
    }

    /// <summary>The <c>mail.followers</c> of a record: (follower record id, partner id).</summary>
    internal static async Task<IReadOnlyList<(long Id, long PartnerId)>> FollowersOfAsync(RecordService records, string model, long recordId,
        CancellationToken cancellationToken)
    {
        var followers = await records.ModelAsync("mail.followers", cancellationToken);
        var page = await records.SearchAsync(followers,
            Domain.FromTerms([new object?[] { "res_model", "=", model }, new object?[] { "res_id", "=", recordId }]), ActionRunner.MaxTargets, null,
            cancellationToken);
        return page.Records.Where(r => r["partner_id"] is long).Select(r => (r.Id, (long)r["partner_id"]!)).ToList();
    }
}
