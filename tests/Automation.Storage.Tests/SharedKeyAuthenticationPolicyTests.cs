using Azure.Core;
using Azure.Core.Pipeline;

namespace Automation.Storage.Tests;

public sealed class SharedKeyAuthenticationPolicyTests
{
    private static Request NewRequest(RequestMethod method, string url)
    {
        var pipeline = HttpPipelineBuilder.Build(new StorageClientOptions());
        var request = pipeline.CreateRequest();
        request.Method = method;
        request.Uri.Reset(new Uri(url));
        return request;
    }

    [Fact]
    public void QueuePutMessage_StringToSign_MatchesWhatAzuriteComputes()
    {
        // spec azure-functions-storage §4.1: Azurite's own string for Put Message.
        var request = NewRequest(RequestMethod.Post,
            "http://127.0.0.1:10001/devstoreaccount1/probe-090012145/messages?visibilitytimeout=0&messagettl=-1");
        request.Headers.Add("x-ms-version", "2021-12-02");
        request.Headers.Add("x-ms-date", "Sun, 22 Nov 2026 09:00:12 GMT");
        request.Headers.Add("Content-Type", "application/xml");
        request.Content = RequestContent.Create(new byte[166]);

        var stringToSign = SharedKeyAuthenticationPolicy.StringToSign(request, "devstoreaccount1", SharedKeyScheme.Queue);

        Assert.Equal(
            "POST\n\n\n166\n\napplication/xml\n\n\n\n\n\n\nx-ms-date:Sun, 22 Nov 2026 09:00:12 GMT\nx-ms-version:2021-12-02\n" +
            "/devstoreaccount1/devstoreaccount1/probe-090012145/messages\nmessagettl:-1\nvisibilitytimeout:0",
            stringToSign);
    }

    [Fact]
    public void TableCreate_StringToSign_MatchesWhatAzuriteComputes()
    {
        // spec azure-functions-storage §6.1: path-style URLs name the account twice; no x-ms headers.
        var request = NewRequest(RequestMethod.Post, "http://127.0.0.1:10002/devstoreaccount1/Tables");
        request.Headers.Add("x-ms-date", "Sun, 22 Nov 2026 09:00:11 GMT");
        request.Headers.Add("x-ms-version", "2019-02-02");
        request.Headers.Add("Content-Type", "application/json");

        var stringToSign = SharedKeyAuthenticationPolicy.StringToSign(request, "devstoreaccount1", SharedKeyScheme.Table);

        Assert.Equal("POST\n\napplication/json\nSun, 22 Nov 2026 09:00:11 GMT\n/devstoreaccount1/devstoreaccount1/Tables", stringToSign);
    }

    [Theory]
    [InlineData("{\"odata.error\":{\"code\":\"EntityAlreadyExists\",\"message\":{\"lang\":\"en-US\",\"value\":\"The specified entity already exists.\\nRequestId:1\"}}}", "EntityAlreadyExists", "The specified entity already exists.\nRequestId:1")]
    [InlineData("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationFailure</Code><Message>Server failed to authenticate the request.</Message></Error>", "AuthorizationFailure", "Server failed to authenticate the request.")]
    [InlineData("not an error body", null, null)]
    public void ErrorBodies_JsonOrXml_YieldTheServiceCode(string body, string? code, string? message)
    {
        var parsed = StorageErrors.ParseBody(body);

        Assert.Equal(code, parsed.Code);
        Assert.Equal(message, parsed.Message);
    }
}
