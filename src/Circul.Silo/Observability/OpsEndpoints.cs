using System.Globalization;
using System.Text;
using Circul.Silo.Cluster;
using Circul.Silo.Gateway;
using Circul.Storage;

namespace Circul.Silo.Observability;

/// <summary><c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c>.</summary>
public static class OpsEndpoints
{
    public static IEndpointRouteBuilder MapOpsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/readyz", async (IStorageHealth storage, SiloRegistration registration, OrleansSiloStarter orleans, GatewayDirectoryService directory, CancellationToken ct) =>
            !registration.IsRegistered ? Results.Text("storage not ready (migrating or unreachable)\n", statusCode: 503)
            : !orleans.IsStarted ? Results.Text("Orleans silo not started (joining the cluster)\n", statusCode: 503)
            : !directory.IsRegistered ? Results.Text("gateway not registered in the cluster yet\n", statusCode: 503)
            : await storage.PingAsync(ct) ? Results.Text("ready\n")
            : Results.Text("storage unreachable\n", statusCode: 503));
        app.MapGet("/metrics", (RequestMetrics requests, OrleansMetrics orleans, GatewayMetrics gateway, Webhooks.WebhookMetrics webhooks) =>
        {
            var output = new StringBuilder();
            using var process = System.Diagnostics.Process.GetCurrentProcess();
            Gauge(output, "process_resident_memory_bytes", "Resident set size.", process.WorkingSet64);
            Gauge(output, "dotnet_gc_heap_bytes", "Bytes in the managed heap.", GC.GetTotalMemory(false));
            Counter(output, "dotnet_gc_collections_total", "Generation 2 garbage collections.", GC.CollectionCount(2));
            Gauge(output, "circul_grain_activations", "Grain activations in memory.", orleans.Value("orleans-catalog-activations") ?? 0);
            Counter(output, "circul_grain_activations_total", "Grain activations since start.", orleans.Value("orleans-catalog-activation-created") ?? 0);
            gateway.Write(output);
            requests.Write(output);
            orleans.Write(output);
            webhooks.Write(output);
            return Results.Text(output.ToString(), "text/plain; version=0.0.4; charset=utf-8");
        });
        return app;
    }

    public static void Gauge(StringBuilder output, string name, string help, double value) =>
        output.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}\n");

    public static void Counter(StringBuilder output, string name, string help, double value) =>
        output.Append(CultureInfo.InvariantCulture, $"# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}\n");
}
