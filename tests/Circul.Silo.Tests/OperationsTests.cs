using System.Globalization;
using System.Text.RegularExpressions;

namespace Circul.Silo.Tests;

/// <summary>API.md section 12: health, readiness and Prometheus metrics.</summary>
public sealed class OperationsTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task Healthz_AndReadyz_Answer200_WhileStorageIsReachable()
    {
        var http = Fixture.Silo.Http;

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz")).StatusCode);
    }

    [Fact]
    public async Task Metrics_ReportOpenSocketsEventsSentGrainsAndRequestsByRouteAndStatusWithLatency()
    {
        var world = await NewBotsInDmAsync();
        await using var socket = await world.B.ConnectReadyAsync();
        await SendAsync(world.A, world.DmId, "counted");
        await socket.NextEventAsync("message_new", what: "the counted message");

        var response = await Fixture.Silo.Http.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
        Assert.True(Value(text, "circul_gateway_open_sockets") >= 1, "an open socket must be counted:\n" + text);
        Assert.True(Value(text, "circul_gateway_events_sent_total") >= 2, "ready and message_new were sent:\n" + text);
        Assert.True(Value(text, "circul_grain_activations") >= 1, "grains are active:\n" + text);
        Assert.True(Value(text, "orleans_catalog_activations") >= 1, "Orleans' own activation gauge must be exported:\n" + text);
        Assert.True(Value(text, "orleans_catalog_activation_created") >= 1, "Orleans' activation counter must be exported:\n" + text);
        Assert.Matches(new Regex(@"circul_http_requests_total\{method=""POST"",route=""/api/conversations/\{id\}/messages"",status=""201""\} [1-9]"), text);
        Assert.Matches(new Regex(@"circul_http_request_duration_seconds_count\{route=""/api/conversations/\{id\}/messages""\} [1-9]"), text);
        Assert.Contains("circul_http_request_duration_seconds_bucket{", text, StringComparison.Ordinal);
    }

    private static double Value(string metrics, string name)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(name) + @" ([0-9.eE+-]+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"metric {name} missing:\n{metrics}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
