using System.Net;
using Circul.Silo.Tests.Infrastructure;

namespace Circul.Cluster.Tests.Infrastructure;

/// <summary>N silo processes on one fresh PostgreSQL database, and helpers to make users on them.</summary>
public class Cluster : IAsyncLifetime
{
    public const string Password = "correct-horse-battery";

    protected virtual int SiloCount => 3;

    public ClusterDatabase Database { get; private set; } = null!;

    public List<SiloProcess> Silos { get; } = [];

    public virtual async Task InitializeAsync()
    {
        Database = await CreateDatabaseAsync();
        for (var i = 0; i < SiloCount; i++)
        {
            // One after another: the first creates the schema and the cluster, the others join it.
            Silos.Add(await SiloProcess.StartAsync(Database.ConnectionString, $"s{i}"));
        }
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        await Database.DisposeAsync();
    }

    public async Task<SiloProcess> AddSiloAsync()
    {
        var silo = await SiloProcess.StartAsync(Database.ConnectionString, $"s{Silos.Count}");
        Silos.Add(silo);
        return silo;
    }

    public async Task<Client> NewHumanAsync(int silo)
    {
        var name = "h" + Guid.NewGuid().ToString("N")[..12];
        var response = await Client.SendAsync(Silos[silo].BaseUrl, HttpMethod.Post, "/api/auth/register", new { username = name, password = Password }, null);
        var json = response.Expect(HttpStatusCode.Created).Json;
        return new Client(Silos[silo].BaseUrl, json.Str("token"), "Bearer", json.Prop("user").Str("id"), name);
    }

    public async Task<Client> NewBotAsync(Client owner, int silo)
    {
        var name = "b" + Guid.NewGuid().ToString("N")[..12];
        var json = (await owner.PostAsync("/api/apps", new { name })).Expect(HttpStatusCode.Created).Json;
        return new Client(Silos[silo].BaseUrl, json.Str("token"), "Bot", json.Prop("app").Str("id"), name);
    }

    protected virtual Task<ClusterDatabase> CreateDatabaseAsync() => ClusterDatabase.CreateAsync();
}
