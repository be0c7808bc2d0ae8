using System.Data.Common;

namespace Circul.Storage;

/// <summary>A write connection held until disposed (see <see cref="SqlDialect.AcquireWriteConnectionAsync"/>).</summary>
internal sealed class WriteConnectionLease(DbConnection connection, Func<DbConnection, ValueTask> release) : IAsyncDisposable
{
    private int _released;

    public DbConnection Connection { get; } = connection;

    public ValueTask DisposeAsync() =>
        Interlocked.Exchange(ref _released, 1) == 0 ? release(Connection) : ValueTask.CompletedTask;
}
