namespace Automation.Storage;

/// <summary>An account name and its base64 key, for Shared Key request signing.</summary>
public sealed class StorageSharedKeyCredential
{
    public StorageSharedKeyCredential(string accountName, string accountKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(accountName);
        ArgumentException.ThrowIfNullOrEmpty(accountKey);
        AccountName = accountName;
        Key = Convert.FromBase64String(accountKey);
    }

    public string AccountName { get; }

    internal byte[] Key { get; }
}
