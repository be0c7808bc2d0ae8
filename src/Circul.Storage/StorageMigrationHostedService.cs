using Microsoft.Extensions.Hosting;

namespace Circul.Storage;

/// <summary>Runs <see cref="StorageMigrator"/> at start-up, before any other hosted service starts
/// (<see cref="StorageServiceCollectionExtensions.AddCirculStorage"/> registers it first).</summary>
internal sealed class StorageMigrationHostedService(StorageMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
