using System.Diagnostics;
using Npgsql;

namespace Circul.Cluster.Tests.Infrastructure;

/// <summary>A fresh database for one cluster: on the PostgreSQL server <c>./scripts/test.sh</c> starts
/// (<c>CIRCUL_TEST_PG</c>), or on a server of the test's own (<see cref="StartOwnServerAsync"/>) when the test stops and
/// starts PostgreSQL. Without a server the tests fail: a missing PostgreSQL must never look like a pass.</summary>
public sealed class ClusterDatabase : IAsyncDisposable
{
    private readonly string _admin;
    private readonly string _name;
    private readonly OwnServer? _server;

    private ClusterDatabase(string admin, string name, OwnServer? server)
    {
        _admin = admin;
        _name = name;
        _server = server;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name, Timeout = 3 }.ConnectionString;
    }

    public string ConnectionString { get; }

    public static async Task<ClusterDatabase> CreateAsync()
    {
        var admin = Environment.GetEnvironmentVariable("CIRCUL_TEST_PG");
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException("CIRCUL_TEST_PG not set: run ./scripts/test.sh");
        }

        return await CreateOnAsync(admin, null);
    }

    /// <summary>A PostgreSQL server of this test alone (initdb into a temp directory), which the test may stop and start.
    /// Needs <c>CIRCUL_TEST_PG_BIN</c> (and, as root, <c>CIRCUL_TEST_PG_USER</c>), which <c>./scripts/test.sh</c> sets.</summary>
    public static async Task<ClusterDatabase> StartOwnServerAsync()
    {
        var server = await OwnServer.LaunchAsync();
        return await CreateOnAsync($"Host=127.0.0.1;Port={server.Port};Username=postgres;Database=postgres;Pooling=true", server);
    }

    public Task StopServerAsync() => (_server ?? throw new InvalidOperationException("not this test's server")).StopAsync();

    public Task StartServerAsync() => (_server ?? throw new InvalidOperationException("not this test's server")).StartAsync();

    public async Task<T> QueryScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DisposeAsync();
            return;
        }

        try
        {
            await using var connection = new NpgsqlConnection(_admin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException)
        {
            // The server is going away with the test run anyway.
        }
    }

    private static async Task<ClusterDatabase> CreateOnAsync(string admin, OwnServer? server)
    {
        var name = "circul_c_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new ClusterDatabase(admin, name, server);
    }

    private sealed class OwnServer : IAsyncDisposable
    {
        private readonly string _bin;
        private readonly string? _user;
        private readonly string _dir;

        private OwnServer(string bin, string? user, string dir, int port)
        {
            _bin = bin;
            _user = user;
            _dir = dir;
            Port = port;
        }

        public int Port { get; }

        public static async Task<OwnServer> LaunchAsync()
        {
            var bin = Environment.GetEnvironmentVariable("CIRCUL_TEST_PG_BIN");
            if (string.IsNullOrWhiteSpace(bin))
            {
                throw new InvalidOperationException("CIRCUL_TEST_PG_BIN not set: run ./scripts/test.sh");
            }

            var user = Environment.GetEnvironmentVariable("CIRCUL_TEST_PG_USER");
            var dir = Directory.CreateTempSubdirectory("circul-cluster-pg.").FullName;
            var server = new OwnServer(bin, string.IsNullOrWhiteSpace(user) ? null : user, dir, SiloProcess.FreePort());
            if (server._user is not null)
            {
                await RunAsync("chown", [server._user, dir]);
            }

            await server.RunAsPgAsync("initdb", ["-D", Path.Combine(dir, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
            await server.StartAsync();
            return server;
        }

        public Task StartAsync() => RunAsPgAsync("pg_ctl",
        [
            "-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "server.log"), "-w", "-t", "30", "start", "-o",
            $"-c listen_addresses=127.0.0.1 -p {Port} -k {_dir} -c fsync=off -c synchronous_commit=off -c max_connections=200",
        ]);

        public Task StopAsync() => RunAsPgAsync("pg_ctl", ["-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "-t", "30", "stop"]);

        public async ValueTask DisposeAsync()
        {
            try
            {
                await RunAsPgAsync("pg_ctl", ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "-t", "20", "stop"]);
            }
            catch (InvalidOperationException)
            {
                // Already stopped.
            }

            Directory.Delete(_dir, recursive: true);
        }

        private Task RunAsPgAsync(string tool, string[] args) => _user is null
            ? RunAsync(Path.Combine(_bin, tool), args)
            : RunAsync("runuser", ["-u", _user, "--", Path.Combine(_bin, tool), .. args]);

        private static async Task RunAsync(string file, string[] args)
        {
            var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await output}{await error}");
            }
        }
    }
}
