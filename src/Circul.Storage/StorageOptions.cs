namespace Circul.Storage;

/// <summary>Bound from <c>Circul:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>ADO.NET connection string; for SQLite the default is a file in the working directory.</summary>
    public string ConnectionString { get; set; } = "Data Source=circul.db";

    /// <summary>How long the writer waits to gather a batch after the first write arrives. 0 (the default) is group
    /// commit: no timer; whatever arrives while a batch commits forms the next batch.</summary>
    public int BatchWindowMs { get; set; }

    /// <summary>At most this many writes per batch transaction.</summary>
    public int MaxBatchSize { get; set; } = 256;
}
