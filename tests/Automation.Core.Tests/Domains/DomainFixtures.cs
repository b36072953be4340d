using Automation.Core.Domains;
using Automation.Core.Models;
using Automation.Core.Records;

namespace Automation.Core.Tests.Domains;

/// <summary>Models for domain tests: leads with every field type, partners in a hierarchy, tags and lead lines.</summary>
internal static class DomainModels
{
    public static readonly ModelDefinition Tag = new("x_tag", [new FieldDefinition { Name = "name", Type = FieldType.Char }]);

    public static readonly ModelDefinition Partner = new("x_partner",
    [
        new FieldDefinition { Name = "name", Type = FieldType.Char },
        new FieldDefinition { Name = "code", Type = FieldType.Char },
        new FieldDefinition { Name = "parent_id", Type = FieldType.Many2one, Relation = "x_partner" },
        new FieldDefinition { Name = "child_ids", Type = FieldType.One2many, Relation = "x_partner", InverseName = "parent_id" },
    ]);

    public static readonly ModelDefinition Line = new("x_line",
    [
        new FieldDefinition { Name = "name", Type = FieldType.Char },
        new FieldDefinition { Name = "lead_id", Type = FieldType.Many2one, Relation = "x_lead" },
        new FieldDefinition { Name = "qty", Type = FieldType.Integer },
    ]);

    public static readonly ModelDefinition Lead = new("x_lead",
    [
        new FieldDefinition { Name = "name", Type = FieldType.Char },
        new FieldDefinition { Name = "notes", Type = FieldType.Text },
        new FieldDefinition
        {
            Name = "state", Type = FieldType.Selection,
            Selection = [new SelectionOption("draft", "Draft"), new SelectionOption("done", "Done")],
        },
        new FieldDefinition { Name = "qty", Type = FieldType.Integer },
        new FieldDefinition { Name = "amount", Type = FieldType.Float },
        new FieldDefinition { Name = "active", Type = FieldType.Boolean },
        new FieldDefinition { Name = "date", Type = FieldType.Date },
        new FieldDefinition { Name = "deadline", Type = FieldType.Datetime },
        new FieldDefinition { Name = "user_id", Type = FieldType.Many2one, Relation = "x_partner" },
        new FieldDefinition { Name = "partner_id", Type = FieldType.Many2one, Relation = "x_partner" },
        new FieldDefinition { Name = "tag_ids", Type = FieldType.Many2many, Relation = "x_tag" },
        new FieldDefinition { Name = "line_ids", Type = FieldType.One2many, Relation = "x_line", InverseName = "lead_id" },
        new FieldDefinition { Name = "data", Type = FieldType.Json },
    ]);

    public static readonly IReadOnlyDictionary<string, ModelDefinition> All =
        new[] { Tag, Partner, Line, Lead }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static ModelDefinition? Find(string name) => All.GetValueOrDefault(name);

    public static CompiledDomain Compile(string domain, ModelDefinition? model = null, TimeProvider? clock = null) =>
        DomainCompiler.Compile(model ?? Lead, Domain.Parse(domain), Find, clock);

    public static RecordData Record(ModelDefinition model, long id, params (string Field, object? Value)[] values) =>
        new(model.Name, id, values.Where(v => v.Value is not null).ToDictionary(v => v.Field, v => v.Value, StringComparer.Ordinal))
        {
            CreateDate = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc),
            WriteDate = new DateTime(2025, 6, 1, 12, 0, 0, DateTimeKind.Utc),
        };

    public static RecordData Lead1(long id, params (string Field, object? Value)[] values) => Record(Lead, id, values);
}

/// <summary>Related records in memory, counting the lookups the evaluator makes.</summary>
internal sealed class InMemoryRecordSource : IDomainRecordSource
{
    private readonly Dictionary<string, List<RecordData>> _records = new(StringComparer.Ordinal);

    public int Loads { get; private set; }

    public InMemoryRecordSource Add(params RecordData[] records)
    {
        foreach (var record in records)
        {
            if (!_records.TryGetValue(record.Model, out var list))
            {
                _records[record.Model] = list = [];
            }

            list.Add(record);
        }

        return this;
    }

    public Task<IReadOnlyList<RecordData>> LoadAsync(ModelDefinition model, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        Loads++;
        var wanted = ids.ToHashSet();
        return Task.FromResult<IReadOnlyList<RecordData>>(_records.GetValueOrDefault(model.Name, []).Where(r => wanted.Contains(r.Id)).ToList());
    }

    public Task<IReadOnlyList<RecordData>> LoadByInverseAsync(ModelDefinition model, string inverseField, IReadOnlyCollection<long> ids,
        CancellationToken cancellationToken)
    {
        Loads++;
        var wanted = ids.ToHashSet();
        return Task.FromResult<IReadOnlyList<RecordData>>(_records.GetValueOrDefault(model.Name, [])
            .Where(r => r.Values.GetValueOrDefault(inverseField) is long owner && wanted.Contains(owner)).ToList());
    }
}
