using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Circul.Cluster.Tests.Infrastructure;

/// <summary>One silo as its own process (`dotnet Circul.Silo.dll`), on PostgreSQL, with free loopback ports: what an
/// operator runs. Its output goes to a log file whose tail failure messages show.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, string baseUrl, string logPath)
    {
        _process = process;
        BaseUrl = baseUrl;
        LogPath = logPath;
    }

    public string BaseUrl { get; }

    public string LogPath { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static async Task<SiloProcess> StartAsync(string connectionString, string name, IReadOnlyDictionary<string, string>? extra = null)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var logPath = Path.Combine(Path.GetTempPath(), $"circul-cluster-{name}-{port}.log");
        var start = new ProcessStartInfo("dotnet", [SiloDll(), "--urls", baseUrl])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.Environment["Circul__Storage__Provider"] = "postgres";
        start.Environment["Circul__Storage__ConnectionString"] = connectionString;
        start.Environment["Circul__Orleans__SiloPort"] = FreePort().ToString();
        start.Environment["Circul__Orleans__GatewayPort"] = FreePort().ToString();
        start.Environment["Circul__RateLimits__Enabled"] = "false";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Circul"] = "Information";
        start.Environment["DOTNET_gcServer"] = "0";
        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the silo process");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var silo = new SiloProcess(process, baseUrl, logPath);
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(90));
        return silo;
    }

    /// <summary>Waits for <c>/readyz</c> 200 (storage migrated, Orleans silo in the cluster).</summary>
    public async Task WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"silo {BaseUrl} exited with {_process.ExitCode}:\n{Tail()}");
            }

            try
            {
                if ((await http.GetAsync(BaseUrl + "/readyz")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"silo {BaseUrl} not ready within {timeout.TotalSeconds} s:\n{Tail()}");
    }

    /// <summary>kill -9: no goodbye to anyone.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGTERM: the graceful shutdown an orchestrator asks for.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", Pid.ToString()]))
        {
            await kill!.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
    }

    public string Tail(int lines = 40)
    {
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var all = reader.ReadToEnd().Split('\n');
            return string.Join('\n', all.TakeLast(lines));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    /// <summary>The silo built alongside these tests: src/Circul.Silo/bin/&lt;configuration&gt;/&lt;tfm&gt;/Circul.Silo.dll.</summary>
    private static string SiloDll()
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testDir.Name;
        var configuration = testDir.Parent!.Name;
        var root = testDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Circul.Orleans.sln")))
        {
            root = root.Parent;
        }

        if (root is null)
        {
            throw new InvalidOperationException("Circul.Orleans.sln not found above " + AppContext.BaseDirectory);
        }

        var dll = Path.Combine(root.FullName, "src", "Circul.Silo", "bin", configuration, tfm, "Circul.Silo.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the silo first", dll);
    }
}
