using System.Net.Sockets;
using System.Runtime.ExceptionServices;

namespace Circul.Web.Tests.Infrastructure;

/// <summary>Two silos in this process on one fresh PostgreSQL database, one Orleans cluster (ADO.NET membership): a
/// page rendered by one is posted to the other. Fails without <c>CIRCUL_TEST_PG</c>, like every PostgreSQL test.</summary>
public sealed class TwoSiloWebFixture : IAsyncLifetime
{
    private ProvisionedStorage? _storage;
    private ExceptionDispatchInfo? _startupError;

    public List<RunningSilo> Silos { get; } = [];

    public async Task InitializeAsync()
    {
        try
        {
            _storage = await new PostgresStorageProvisioner().CreateAsync();
            for (var i = 0; i < 2; i++)
            {
                var settings = SiloFixture.Merge(SiloFixture.BaseSettings(), _storage.Settings, new Dictionary<string, string?>
                {
                    ["Circul:Orleans:Clustering"] = "adonet",
                    ["Circul:Orleans:SiloPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Circul:Orleans:GatewayPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture),
                });
                Silos.Add(await RunningSilo.StartAsync(settings));
            }
        }
        catch (Exception e)
        {
            _startupError = ExceptionDispatchInfo.Capture(e);
        }
    }

    public void ThrowIfUnavailable() => _startupError?.Throw();

    public async Task DisposeAsync()
    {
        for (var i = Silos.Count - 1; i >= 0; i--)
        {
            await Silos[i].DisposeAsync();
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
