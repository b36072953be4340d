using Automation.Core.Webhooks;
using Automation.Functions.Hosting;
using Automation.Storage.Webhooks;

namespace Automation.Functions.Webhooks;

/// <summary>Loads the key that tags call ids once storage is ready (every instance shares it).</summary>
public sealed class WebhookKeys(WebhookTokens tokens) : IStartupTask
{
    private CallIds? _callIds;

    public CallIds CallIds => _callIds ?? throw new InvalidOperationException("Webhook keys are loaded at start-up (InitializeAsync).");

    public async Task RunAsync(CancellationToken cancellationToken) => _callIds = new CallIds(await tokens.CallIdKeyAsync(cancellationToken));
}
