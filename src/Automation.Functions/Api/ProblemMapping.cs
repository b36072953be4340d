using Automation.Core.Records;
using Microsoft.AspNetCore.Diagnostics;

namespace Automation.Functions.Api;

/// <summary>Turns the engine's exceptions into RFC 7807 problem details (API.md "Authentication", last paragraph).</summary>
public sealed class ProblemMapping(ILogger<ProblemMapping> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        IResult? result = exception switch
        {
            RecordValidationException v => TypedResults.ValidationProblem(v.Errors.ToDictionary(), title: "The record is not valid."),
            RecordNotFoundException n => TypedResults.Problem(statusCode: 404, title: "Not found", detail: n.Message),
            RecordConflictException c => TypedResults.Problem(statusCode: 412, title: "Precondition failed", detail: c.Message),
            UnknownModelException m => TypedResults.Problem(statusCode: 404, title: "Unknown model", detail: m.Message),
            BadHttpRequestException b => TypedResults.Problem(statusCode: b.StatusCode, title: "Bad request", detail: b.Message),
            _ => null,
        };
        if (result is null)
        {
            logger.LogError(exception, "Unhandled error on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
            return false;
        }

        await result.ExecuteAsync(httpContext);
        return true;
    }
}
