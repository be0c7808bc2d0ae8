namespace Circul.Silo.Tests.Infrastructure;

/// <summary>A storage location made for one silo (or one restart sequence), removed on dispose.</summary>
public sealed class ProvisionedStorage(IReadOnlyDictionary<string, string?> settings, Func<Task> drop) : IAsyncDisposable
{
    /// <summary>The <c>Circul:Storage:*</c> configuration keys pointing at this storage.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; } = settings;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await drop();
        }
        catch (Exception)
        {
            // Best effort: a leftover temp file or test database must not fail the run.
        }
    }
}
