using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Circul.Storage;

/// <summary>Registers the storage layer.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>The configuration section <see cref="StorageOptions"/> is bound from.</summary>
    public const string ConfigurationSection = "Circul:Storage";

    /// <summary>The configuration key of the connection string (named in log lines, never its value).</summary>
    public const string ConnectionStringKey = ConfigurationSection + ":ConnectionString";

    /// <summary>Binds <see cref="StorageOptions"/> from <c>Circul:Storage</c> and registers the dialect, every store
    /// interface, <see cref="IGrainStateStore"/> (replacing any earlier registration), the durable writer, and the
    /// migrator as the FIRST hosted service (so the schema is ready before anything else starts).</summary>
    public static IServiceCollection AddCirculStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(d => d.ServiceType == typeof(StorageMigrator)))
        {
            return services;
        }

        services.AddOptions<StorageOptions>()
            .BindConfiguration(ConfigurationSection)
            .Validate(
                o => string.Equals(o.Provider, "sqlite", StringComparison.OrdinalIgnoreCase)
                    || string.Equals(o.Provider, "postgres", StringComparison.OrdinalIgnoreCase),
                "Circul:Storage:Provider must be 'sqlite' or 'postgres'.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.ConnectionString), "Circul:Storage:ConnectionString is required.")
            .Validate(o => o.BatchWindowMs >= 0, "Circul:Storage:BatchWindowMs must not be negative.")
            .Validate(o => o.MaxBatchSize >= 1, "Circul:Storage:MaxBatchSize must be at least 1.")
            .ValidateOnStart();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => SqlDialect.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<StorageMigrator>();
        services.TryAddSingleton<StorageReadiness>();

        services.TryAddSingleton<IUserStore, SqlUserStore>();
        services.TryAddSingleton<ITokenStore, SqlTokenStore>();
        services.TryAddSingleton<IConversationStore, SqlConversationStore>();
        services.TryAddSingleton<IMessageStore, SqlMessageStore>();
        services.TryAddSingleton<IReadMarkerStore, SqlReadMarkerStore>();
        services.TryAddSingleton<IPresenceStore, SqlPresenceStore>();
        services.TryAddSingleton<IMediaStore, SqlMediaStore>();
        services.TryAddSingleton<IPanelStore, SqlPanelStore>();
        services.TryAddSingleton<IWebStore, SqlWebStore>();
        services.TryAddSingleton<IWebhookStore, SqlWebhookStore>();
        services.TryAddSingleton<IStorageHealth, SqlStorageHealth>();

        services.RemoveAll<IGrainStateStore>();
        services.AddSingleton<IGrainStateStore, SqlGrainStorage>();

        services.TryAddSingleton<BatchingDurableWriter>();
        services.TryAddSingleton<IDurableWriter>(sp => sp.GetRequiredService<BatchingDurableWriter>());

        // Hosted services start in registration order: the migrator goes first whatever was registered before,
        // and the writer stops (draining its queue) after every service registered later.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StorageMigrationHostedService>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<BatchingDurableWriter>());
        return services;
    }
}
