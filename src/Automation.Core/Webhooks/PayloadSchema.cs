using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.References;
using NJsonSchema.Validation;

namespace Automation.Core.Webhooks;

/// <summary>One reason a payload does not match a rule's JSON Schema: where (a JSON path) and why.</summary>
public sealed record SchemaError(string Path, string Message);

/// <summary>
/// A rule's <c>webhook_payload_schema</c> (ARCHITECTURE D7: NJsonSchema), compiled once. References may only point
/// inside the schema itself: a <c>$ref</c> to a file or URL is refused, so saving a rule never makes the app read a
/// file or call out.
/// </summary>
public sealed class PayloadSchema
{
    /// <summary>At most this many errors are reported for one payload.</summary>
    public const int MaxErrors = 20;

    private readonly JsonSchema _schema;

    private PayloadSchema(JsonSchema schema) => _schema = schema;

    /// <summary>Compiles <paramref name="json"/>, or throws <see cref="FormatException"/> saying why it is not a usable schema.</summary>
    public static PayloadSchema Parse(string json)
    {
        try
        {
            var schema = JsonSchema.FromJsonAsync(json, "", s => new LocalReferencesOnly(s), CancellationToken.None).GetAwaiter().GetResult();
            return new PayloadSchema(schema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // NJsonSchema wraps what it meets (reflection, resolution): the refusal of a $ref is the message to show.
            var refused = e;
            for (var inner = e; inner is not null; inner = inner.InnerException)
            {
                if (inner is NotSupportedException)
                {
                    refused = inner;
                    break;
                }
            }

            throw new FormatException($"Not a usable JSON Schema: {refused.Message}", e);
        }
    }

    /// <summary>The payload's errors, empty when it matches. <paramref name="payloadJson"/> is valid JSON.</summary>
    public IReadOnlyList<SchemaError> Validate(string payloadJson, int maxDepth)
    {
        JToken token;
        using (var reader = new JsonTextReader(new StringReader(payloadJson)) { DateParseHandling = DateParseHandling.None, MaxDepth = maxDepth + 1 })
        {
            token = JToken.ReadFrom(reader);
        }

        var errors = new List<SchemaError>();
        Flatten(_schema.Validate(token), errors);
        return errors;
    }

    private static void Flatten(IEnumerable<ValidationError> found, List<SchemaError> into)
    {
        foreach (var error in found)
        {
            if (into.Count >= MaxErrors)
            {
                return;
            }

            if (error is ChildSchemaValidationError child && child.Errors.Count > 0 && error.Kind is not (ValidationErrorKind.NotAnyOf or ValidationErrorKind.NotOneOf))
            {
                Flatten(child.Errors.Values.SelectMany(e => e), into);
                continue;
            }

            into.Add(new SchemaError(PathOf(error), Describe(error)));
        }
    }

    /// <summary>NJsonSchema paths look like <c>#/customer.email</c> or <c>#/items[1]</c>; we answer <c>$.customer.email</c>.</summary>
    private static string PathOf(ValidationError error)
    {
        var path = error.Path ?? "#";
        path = path.StartsWith("#/", StringComparison.Ordinal) ? path[2..] : path.TrimStart('#');
        return path.Length == 0 ? "$" : path.StartsWith('[') ? "$" + path : "$." + path;
    }

    private static string Describe(ValidationError error) => error.Kind switch
    {
        ValidationErrorKind.PropertyRequired => $"The property '{error.Property}' is required.",
        ValidationErrorKind.NoAdditionalPropertiesAllowed => $"The property '{error.Property}' is not allowed.",
        ValidationErrorKind.StringExpected => "Expected a string.",
        ValidationErrorKind.NumberExpected => "Expected a number.",
        ValidationErrorKind.IntegerExpected => "Expected an integer.",
        ValidationErrorKind.BooleanExpected => "Expected true or false.",
        ValidationErrorKind.ObjectExpected => "Expected an object.",
        ValidationErrorKind.ArrayExpected => "Expected an array.",
        ValidationErrorKind.NullExpected => "Expected null.",
        ValidationErrorKind.StringTooShort => "The string is too short.",
        ValidationErrorKind.StringTooLong => "The string is too long.",
        ValidationErrorKind.PatternMismatch => "The string does not match the pattern.",
        ValidationErrorKind.NotInEnumeration => "The value is not one of the allowed values.",
        ValidationErrorKind.NumberTooSmall => "The number is too small.",
        ValidationErrorKind.NumberTooBig => "The number is too big.",
        ValidationErrorKind.TooFewItems => "The array has too few items.",
        ValidationErrorKind.TooManyItems => "The array has too many items.",
        ValidationErrorKind.ItemsNotUnique => "The array's items are not unique.",
        ValidationErrorKind.EmailExpected => "Expected an email address.",
        ValidationErrorKind.DateTimeExpected => "Expected a date-time (RFC 3339).",
        ValidationErrorKind.DateExpected => "Expected a date (YYYY-MM-DD).",
        ValidationErrorKind.UriExpected => "Expected a URI.",
        ValidationErrorKind.GuidExpected => "Expected a UUID.",
        _ => SplitWords(error.Kind.ToString()) + ".",
    };

    private static string SplitWords(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + char.ToLowerInvariant(c) : c.ToString()));

    /// <summary>Resolves <c>#/…</c> references only; file and URL references are refused.</summary>
    private sealed class LocalReferencesOnly(JsonSchema schema) : JsonReferenceResolver(new JsonSchemaAppender(schema, new DefaultTypeNameGenerator()))
    {
        public override Task<IJsonReference> ResolveFileReferenceAsync(string filePath, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException($"'$ref' to a file ('{filePath}') is not allowed; keep definitions inside the schema.");

        public override Task<IJsonReference> ResolveUrlReferenceAsync(string url, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException($"'$ref' to a URL ('{url}') is not allowed; keep definitions inside the schema.");
    }
}
