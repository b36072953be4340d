using Automation.Functions.Endpoints;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Automation.Functions.Api;

/// <summary>
/// <c>GET /api/openapi.json</c> (API.md "Other"): the OpenAPI document generated from the mapped endpoints, with the
/// bearer-key security scheme, each route's scope, and RFC 7807 problem details for its 400/401/403/404 answers.
/// </summary>
public static class OpenApiDocumentation
{
    public const string Route = "/openapi.json";

    private const string SecurityScheme = "apiKey";

    private const string ProblemSchema = "ProblemDetails";

    public static IServiceCollection AddAutomationOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, context, cancellationToken) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Automation",
                    Version = HealthEndpoints.Version,
                    Description = "Odoo's automation rules and incoming webhooks on Azure Functions. Every route but /api/health and /api/hooks/{token} " +
                                  "needs 'Authorization: Bearer <api key>' with the scope the route names; errors are RFC 7807 problem details.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API key (POST /api/admin/keys) or the bootstrap admin key. Scopes: " + string.Join(", ", Scopes.All) + "; admin implies all.",
                };
                document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
                document.Components.Schemas[ProblemSchema] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Description = "RFC 7807 problem details; validation errors carry 'errors', keyed by field.",
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["type"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer },
                        ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["errors"] = new OpenApiSchema
                        {
                            Type = JsonSchemaType.Object,
                            AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
                        },
                    },
                };
                UniqueOperationIds(document);
                DescribeItself(document, context.ApplicationServices.GetRequiredService<Hosting.HostSettings>().RoutePrefix);
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, cancellationToken) =>
            {
                var required = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequiredScope>().LastOrDefault();
                operation.Responses ??= new OpenApiResponses();
                if (required is null)
                {
                    return Task.CompletedTask; // anonymous: health and the webhook endpoint
                }

                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = [] });
                var scope = required.Scope is null ? "any valid API key" : $"the '{required.Scope}' scope";
                operation.Description = string.IsNullOrEmpty(operation.Description) ? $"Needs {scope}." : $"{operation.Description} Needs {scope}.";
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions["x-required-scope"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(required.Scope ?? "any key"));
                Problem(operation, context.Document, "400", "The request is not valid (problem details with 'errors' by field).");
                Problem(operation, context.Document, "401", "No API key, or an unknown, revoked or expired one.");
                if (required.Scope is not null)
                {
                    Problem(operation, context.Document, "403", $"The key lacks {scope}.");
                }

                Problem(operation, context.Document, "404", "Not found.");
                return Task.CompletedTask;
            });
        });

    /// <summary>A route mapped for several methods under one name (the webhook endpoint) would repeat its operationId.</summary>
    private static void UniqueOperationIds(OpenApiDocument document)
    {
        var operations = (document.Paths ?? [])
            .SelectMany(p => (p.Value.Operations ?? []).Select(o => (Method: o.Key, Operation: o.Value)))
            .Where(o => !string.IsNullOrEmpty(o.Operation.OperationId))
            .GroupBy(o => o.Operation.OperationId, StringComparer.Ordinal)
            .Where(g => g.Count() > 1);
        foreach (var group in operations)
        {
            foreach (var (method, operation) in group)
            {
                operation.OperationId += method.Method[..1] + method.Method[1..].ToLowerInvariant();
            }
        }
    }

    /// <summary>The document's own route, which the generator leaves out of what it describes.</summary>
    private static void DescribeItself(OpenApiDocument document, string routePrefix)
    {
        document.Paths ??= [];
        var operation = new OpenApiOperation
        {
            OperationId = "OpenApiDocument",
            Summary = "This OpenAPI document.",
            Description = "Needs any valid API key.",
            Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, document)] = [] }],
            Responses = new OpenApiResponses { ["200"] = new OpenApiResponse { Description = "The OpenAPI document." } },
            Extensions = new Dictionary<string, IOpenApiExtension> { ["x-required-scope"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create("any key")) },
        };
        Problem(operation, document, "401", "No API key, or an unknown, revoked or expired one.");
        var item = new OpenApiPathItem();
        item.AddOperation(HttpMethod.Get, operation);
        document.Paths["/" + routePrefix.Trim('/') + Route] = item;
    }

    private static void Problem(OpenApiOperation operation, OpenApiDocument? document, string status, string description) =>
        operation.Responses!.TryAdd(status, new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        });
}
