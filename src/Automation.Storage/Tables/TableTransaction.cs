using System.Globalization;
using System.Text;
using Azure;
using Azure.Core;

namespace Automation.Storage.Tables;

/// <summary>The <c>$batch</c> multipart format of entity-group transactions (spec §3.5).</summary>
internal static class TableTransaction
{
    public const int MaxOperations = 100;
    public const int MaxPayloadBytes = 4 * 1024 * 1024;

    public static void Validate(IReadOnlyList<TableTransactionAction> actions)
    {
        if (actions.Count == 0)
        {
            throw new ArgumentException("A transaction needs at least one operation.", nameof(actions));
        }

        if (actions.Count > MaxOperations)
        {
            throw new ArgumentException(
                $"A transaction holds at most {MaxOperations} operations; this one has {actions.Count}.", nameof(actions));
        }

        var partition = actions[0].Entity.PartitionKey;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in actions)
        {
            if (!string.Equals(action.Entity.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new RequestFailedException(400,
                    $"All operations of a transaction must use one PartitionKey; found '{partition}' and '{action.Entity.PartitionKey}'.",
                    "CommandsInBatchActOnDifferentPartitions", null);
            }

            if (!seen.Add(action.Entity.RowKey))
            {
                throw new RequestFailedException(400,
                    $"The entity ({partition}, {action.Entity.RowKey}) appears twice in one transaction.", "InvalidDuplicateRow", null);
            }

            TableKeys.Validate(action.Entity.PartitionKey, action.Entity.RowKey);
        }
    }

    public static (string ContentType, byte[] Body) BuildBody(IReadOnlyList<TableTransactionAction> actions, string tableUrl,
        Func<string, string, string> entityPath)
    {
        var batch = "batch_" + Guid.NewGuid().ToString("N");
        var changeset = "changeset_" + Guid.NewGuid().ToString("N");
        var baseUrl = tableUrl[..tableUrl.LastIndexOf('/')];
        var sb = new StringBuilder();
        sb.Append("--").Append(batch).Append("\r\n")
            .Append("Content-Type: multipart/mixed; boundary=").Append(changeset).Append("\r\n\r\n");
        foreach (var action in actions)
        {
            var entity = action.Entity;
            var (method, url, ifMatch, hasBody) = action.ActionType switch
            {
                TableTransactionActionType.Add => ("POST", tableUrl, (ETag?)null, true),
                TableTransactionActionType.UpdateMerge => ("MERGE", EntityUrl(), Match(action.ETag), true),
                TableTransactionActionType.UpdateReplace => ("PUT", EntityUrl(), Match(action.ETag), true),
                TableTransactionActionType.UpsertMerge => ("MERGE", EntityUrl(), null, true),
                TableTransactionActionType.UpsertReplace => ("PUT", EntityUrl(), null, true),
                TableTransactionActionType.Delete => ("DELETE", EntityUrl(), Match(action.ETag), false),
                _ => throw new ArgumentOutOfRangeException(nameof(actions), action.ActionType, "Unknown transaction action."),
            };
            sb.Append("--").Append(changeset).Append("\r\n")
                .Append("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n")
                .Append(method).Append(' ').Append(url).Append(" HTTP/1.1\r\n")
                .Append("Accept: application/json;odata=minimalmetadata\r\nDataServiceVersion: 3.0\r\n");
            if (ifMatch is { } etag)
            {
                sb.Append("If-Match: ").Append(etag.ToString()).Append("\r\n");
            }

            if (hasBody)
            {
                sb.Append("Content-Type: application/json\r\nPrefer: return-no-content\r\n\r\n")
                    .Append(Encoding.UTF8.GetString(TableEntityJson.Serialize(entity))).Append("\r\n");
            }
            else
            {
                sb.Append("\r\n");
            }

            string EntityUrl() => baseUrl + "/" + entityPath(entity.PartitionKey, entity.RowKey);
        }

        sb.Append("--").Append(changeset).Append("--\r\n--").Append(batch).Append("--\r\n");
        var body = Encoding.UTF8.GetBytes(sb.ToString());
        if (body.Length > MaxPayloadBytes)
        {
            throw new RequestFailedException(413,
                $"The transaction is {body.Length:N0} bytes; a transaction may carry at most 4 MiB.", "RequestBodyTooLarge", null);
        }

        return ("multipart/mixed; boundary=" + batch, body);
    }

    private static ETag Match(ETag etag) => etag == default ? ETag.All : etag;

    /// <summary>
    /// The service answers 202 either way: one <c>HTTP/1.1 204</c> part per operation, or a single error part whose
    /// message starts with the failing operation's index (<c>"2:The specified entity already exists"</c>).
    /// </summary>
    public static IReadOnlyList<ETag> ParseResponse(Response response)
    {
        var text = response.Content.ToString();
        var etags = new List<ETag>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (!line.StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
            {
                continue;
            }

            var status = int.Parse(line.AsSpan(9, 3), CultureInfo.InvariantCulture);
            ETag etag = default;
            var j = i + 1;
            for (; j < lines.Length && lines[j].TrimEnd('\r').Length > 0; j++)
            {
                var header = lines[j].TrimEnd('\r');
                if (header.StartsWith("ETag:", StringComparison.OrdinalIgnoreCase))
                {
                    etag = new ETag(header[5..].Trim());
                }
            }

            if (status >= 400)
            {
                var body = new StringBuilder();
                for (j++; j < lines.Length && !lines[j].StartsWith("--", StringComparison.Ordinal); j++)
                {
                    body.Append(lines[j].TrimEnd('\r'));
                }

                var (code, message) = StorageErrors.ParseBody(body.ToString());
                int? index = null;
                var colon = message?.IndexOf(':', StringComparison.Ordinal) ?? -1;
                if (colon > 0 && int.TryParse(message.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    index = n;
                    message = message![(colon + 1)..];
                }

                var firstLine = message?.Split('\n')[0];
                throw new TableTransactionFailedException(status,
                    $"Transaction failed at operation {index?.ToString(CultureInfo.InvariantCulture) ?? "?"}: {status} {code} — {firstLine}",
                    code, index);
            }

            etags.Add(etag);
            i = j;
        }

        return etags;
    }
}
