using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Automation.Core.Ai;

namespace Automation.Functions.Deliveries;

/// <summary>
/// "Update with AI" against an OpenAI-compatible chat-completions endpoint (<c>POST {Endpoint}/chat/completions</c>
/// with <c>model</c> and <c>messages</c>, bearer key), through the SSRF-guarded client with its timeout and size cap.
/// </summary>
public sealed class OpenAiCompletion(AiOptions options, OutboundHttp http) : IAiCompletion
{
    public bool IsConfigured => options.Endpoint is not null;

    public async Task<string> CompleteAsync(string system, string user, CancellationToken cancellationToken)
    {
        if (options.Endpoint is null)
        {
            throw new AiUnavailableException("No AI endpoint is configured.");
        }

        var body = new JsonObject
        {
            ["model"] = options.Model,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "system", ["content"] = system },
                new JsonObject { ["role"] = "user", ["content"] = user }),
            ["temperature"] = 0,
        }.ToJsonString();
        OutboundResponse response;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        try
        {
            response = await http.SendAsync(new Uri(options.Endpoint, "chat/completions"), target =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                if (options.ApiKey is not null)
                {
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
                }

                return request;
            }, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or OutboundRefusedException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new AiUnavailableException(e.Message, e);
        }

        if (response.Status is < 200 or >= 300)
        {
            throw new AiUnavailableException($"The AI endpoint answered {response.Status}: {(response.Body.Length > 300 ? response.Body[..300] : response.Body)}");
        }

        try
        {
            return JsonNode.Parse(response.Body)?["choices"]?[0]?["message"]?["content"]?.GetValue<string>()
                   ?? throw new AiUnavailableException("The AI endpoint's answer has no choices[0].message.content.");
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new AiUnavailableException("The AI endpoint's answer is not JSON: " + e.Message, e);
        }
    }
}
