using Automation.Testing;

namespace Automation.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>Tests that need the development storage ports (10001/10002) for themselves run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DevelopmentStorageCollection
{
    public const string Name = "DevelopmentStorage";
}
