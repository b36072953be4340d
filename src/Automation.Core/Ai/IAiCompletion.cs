namespace Automation.Core.Ai;

/// <summary>One chat-completions call (an OpenAI-compatible endpoint); null when no endpoint is configured.</summary>
public interface IAiCompletion
{
    /// <summary>True when an endpoint is configured; "Update with AI" is refused at save time otherwise.</summary>
    bool IsConfigured { get; }

    /// <summary>The assistant's reply to <paramref name="system"/> + <paramref name="user"/>. Throws <see cref="AiUnavailableException"/> on failure.</summary>
    Task<string> CompleteAsync(string system, string user, CancellationToken cancellationToken);
}

/// <summary>The endpoint failed, timed out or answered something unusable.</summary>
public sealed class AiUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
