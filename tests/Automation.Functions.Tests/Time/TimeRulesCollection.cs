using Automation.Testing;

namespace Automation.Functions.Tests.Time;

/// <summary>
/// Time-rule tests share the scheduler and its lease (one per storage account), so they get an Azurite of their own and
/// run one after another, in parallel with the other collections.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TimeRulesCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "TimeRules";
}
