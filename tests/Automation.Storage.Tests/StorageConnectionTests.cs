using Automation.Storage;
using Microsoft.Extensions.Configuration;

namespace Automation.Storage.Tests;

public sealed class StorageConnectionTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void DevelopmentStorage_PointsAtAzuriteDefaultPorts()
    {
        var connection = StorageConnection.Parse("UseDevelopmentStorage=true");

        Assert.True(connection.IsDevelopmentStorage);
        Assert.Equal("http://127.0.0.1:10002/devstoreaccount1", connection.TableEndpoint.ToString());
        Assert.Equal("http://127.0.0.1:10001/devstoreaccount1", connection.QueueEndpoint.ToString());
        Assert.NotNull(connection.SharedKey);
    }

    [Fact]
    public void AccountConnectionString_BuildsEndpointsFromSuffix()
    {
        var key = Convert.ToBase64String(new byte[32]);
        var connection = StorageConnection.Parse($"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key};EndpointSuffix=core.windows.net");

        Assert.False(connection.IsDevelopmentStorage);
        Assert.Equal("https://acct.table.core.windows.net/", connection.TableEndpoint.ToString());
        Assert.Equal("https://acct.queue.core.windows.net/", connection.QueueEndpoint.ToString());
        Assert.Equal("acct", connection.AccountName);
    }

    [Fact]
    public void ExplicitEndpoints_AreUsed()
    {
        var key = Convert.ToBase64String(new byte[32]);
        var connection = StorageConnection.Parse(
            $"AccountName=devstoreaccount1;AccountKey={key};TableEndpoint=http://127.0.0.1:5/devstoreaccount1;QueueEndpoint=http://127.0.0.1:6/devstoreaccount1");

        Assert.Equal("http://127.0.0.1:5/devstoreaccount1", connection.TableEndpoint.ToString());
        Assert.Equal("http://127.0.0.1:6/devstoreaccount1", connection.QueueEndpoint.ToString());
    }

    [Theory]
    [InlineData("AccountName=acct", "AccountKey is missing")]
    [InlineData("AccountKey=abc=", "AccountName is missing")]
    [InlineData("AccountName=acct;AccountKey=not base64!", "not valid base64")]
    [InlineData("this is not a connection string", "malformed")]
    public void MalformedConnectionString_NamesTheSettingAndTheFix(string value, string why)
    {
        var error = Assert.Throws<StorageConfigurationException>(() =>
            StorageConnection.FromConfiguration(Config(("AzureWebJobsStorage", value))));

        Assert.Equal("AzureWebJobsStorage", error.SettingName);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Contains("UseDevelopmentStorage=true", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IdentityBasedSettings_UseTokenCredential()
    {
        var connection = StorageConnection.FromConfiguration(Config(
            ("AzureWebJobsStorage:tableServiceUri", "https://acct.table.core.windows.net"),
            ("AzureWebJobsStorage:queueServiceUri", "https://acct.queue.core.windows.net"),
            ("AzureWebJobsStorage:credential", "managedidentity"),
            ("AzureWebJobsStorage:clientId", "00000000-0000-0000-0000-000000000001")));

        Assert.Null(connection.SharedKey);
        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(connection.TokenCredential);
        Assert.Equal("acct", connection.AccountName);
        Assert.Equal("https://acct.queue.core.windows.net/", connection.QueueEndpoint.ToString());
    }

    [Fact]
    public void IdentityBasedSettings_AccountNameAlone_DerivesBothEndpoints()
    {
        var connection = StorageConnection.FromConfiguration(Config(("AzureWebJobsStorage:accountName", "acct")));

        Assert.Equal("https://acct.table.core.windows.net/", connection.TableEndpoint.ToString());
        Assert.IsType<Azure.Identity.DefaultAzureCredential>(connection.TokenCredential);
    }

    [Fact]
    public void IdentityBasedSettings_MissingQueueUri_NamesIt()
    {
        var error = Assert.Throws<StorageConfigurationException>(() => StorageConnection.FromConfiguration(Config(
            ("AzureWebJobsStorage:tableServiceUri", "https://acct.table.core.windows.net"))));

        Assert.Contains("AzureWebJobsStorage__queueServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSetting_WithoutDefault_NamesIt()
    {
        var error = Assert.Throws<StorageConfigurationException>(() => StorageConnection.FromConfiguration(Config()));

        Assert.Contains("'AzureWebJobsStorage' is missing", error.Message, StringComparison.Ordinal);
    }
}
