namespace Automation.Core.Webhooks;

/// <summary>One "Log Calls" line of a rule (spec §4.6, Odoo's <c>ir.logging</c> rows with path <c>base_automation(&lt;id&gt;)</c>).</summary>
public sealed record WebhookLogEntry(DateTime At, string Level, string Message, string? CallId);

/// <summary>The "Log Calls" lines of webhook rules, newest first.</summary>
public interface IWebhookLog
{
    /// <summary>
    /// Writes line <paramref name="sequence"/> of a call. The same (call, sequence) overwrites itself, so a redelivered
    /// call does not log twice.
    /// </summary>
    Task WriteAsync(long ruleId, string callId, DateTime receivedAt, int sequence, WebhookLogEntry entry, CancellationToken cancellationToken);

    Task<IReadOnlyList<WebhookLogEntry>> ListAsync(long ruleId, int limit, CancellationToken cancellationToken);
}
