using System.Globalization;
using Automation.Core.Models;
using Automation.Storage.Tables;
using Azure;

namespace Automation.Storage.Records;

/// <summary>
/// Draws the next number of an <c>ir.sequence</c> (by code) with an ETag-guarded increment of its <c>number_next</c>,
/// so concurrent draws never return the same number. Like Odoo's SQL update, the draw is not a record write and
/// fires no rule. Prefix/suffix placeholders and date ranges are the sequences capability's (spec §6).
/// </summary>
public sealed class SequenceNumbers(TableClient records)
{
    public const string Model = "ir.sequence";

    /// <summary>The sequence that names sales orders.</summary>
    public const string SaleOrderCode = "sale.order";

    /// <summary>The next number of the active sequence with <paramref name="code"/>, or null when there is none.
    /// With <paramref name="peek"/> the number is formatted but not drawn.</summary>
    public async Task<string?> NextAsync(string code, CancellationToken cancellationToken, bool peek = false)
    {
        var filter = $"PartitionKey eq '{Model}' and RowKey lt '{RecordEntities.EndOfRecords}' and code eq {TableKeys.Quote(code)}";
        while (true)
        {
            TableEntity? sequence = null;
            await foreach (var entity in records.QueryAsync(filter, maxPerPage: 10, cancellationToken: cancellationToken))
            {
                if (entity.GetBoolean("active") != false)
                {
                    sequence = entity;
                    break;
                }
            }

            if (sequence is null)
            {
                return null;
            }

            var number = sequence.GetInt64("number_next") ?? 1;
            var step = sequence.GetInt64("number_increment") ?? 1;
            if (peek)
            {
                return Format(sequence, number);
            }

            var update = new TableEntity(sequence.PartitionKey, sequence.RowKey) { ["number_next"] = number + (step == 0 ? 1 : step) };
            try
            {
                await records.UpdateEntityAsync(update, sequence.ETag, TableUpdateMode.Merge, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                continue; // drawn concurrently: read again
            }

            return Format(sequence, number);
        }
    }

    private static string Format(TableEntity sequence, long number)
    {
        var padding = (int)Math.Clamp(sequence.GetInt64("padding") ?? 0, 0, 32);
        return (sequence.GetString("prefix") ?? "") + number.ToString(CultureInfo.InvariantCulture).PadLeft(padding, '0') +
               (sequence.GetString("suffix") ?? "");
    }

    /// <summary>Fields whose empty value on create is filled from their sequence.</summary>
    public static IEnumerable<FieldDefinition> SequencedFields(ModelDefinition model) =>
        model.Fields.Where(f => f.Sequence is not null && f.Type == FieldType.Char);
}
