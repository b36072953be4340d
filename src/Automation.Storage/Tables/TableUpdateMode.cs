namespace Automation.Storage.Tables;

/// <summary>How an update treats properties the request does not carry.</summary>
public enum TableUpdateMode
{
    /// <summary>MERGE: keep the properties not sent.</summary>
    Merge,

    /// <summary>PUT: the entity becomes exactly what is sent.</summary>
    Replace,
}
