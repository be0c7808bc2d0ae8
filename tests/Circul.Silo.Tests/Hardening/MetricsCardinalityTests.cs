using System.Text.RegularExpressions;

namespace Circul.Silo.Tests.Hardening;

/// <summary>
/// Issue 10, item 2: a client cannot add <c>/metrics</c> series of its own making. Invented methods fold into
/// <c>method="OTHER"</c> and unknown paths into <c>route="unmatched"</c>.
/// </summary>
public sealed partial class MetricsCardinalityTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    private static readonly string[] KnownMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "OTHER"];

    [Fact]
    public async Task InventedMethodsAndUnknownPaths_AddNoSeries()
    {
        var human = await NewHumanAsync();
        await RequestSeriesAsync();
        await ProbeAsync(human, "ZZQA");
        var before = await RequestSeriesAsync();

        await ProbeAsync(human, "QQZB");
        await ProbeAsync(human, "Frob");
        var after = await RequestSeriesAsync();

        var added = after.Except(before).ToList();
        Assert.True(added.Count == 0, "new series appeared for invented methods or paths:\n" + string.Join("\n", added));
        Assert.DoesNotContain(after, s => s.Contains("ZZQA", StringComparison.OrdinalIgnoreCase) || s.Contains("nope-", StringComparison.Ordinal));
        Assert.Contains(after, s => s.Contains("method=\"OTHER\"", StringComparison.Ordinal));
        Assert.Contains(after, s => s.Contains("route=\"unmatched\"", StringComparison.Ordinal));
        foreach (var series in after)
        {
            var method = MethodLabel().Match(series).Groups[1].Value;
            Assert.True(KnownMethods.Contains(method), $"unexpected method label in {series}");
        }
    }

    /// <summary>Invented methods (each spelled several ways) on a real route and on unknown paths, and unknown paths
    /// with known methods.</summary>
    private static async Task ProbeAsync(BotClient human, string stem)
    {
        for (var i = 0; i < 5; i++)
        {
            var method = new HttpMethod(stem + i);
            (await human.SendAsync(method, "/api/me", null)).ExpectOneOf(HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed);
            (await human.SendAsync(method, $"/api/nope-{Guid.NewGuid():N}", null)).Expect(HttpStatusCode.NotFound);
            (await human.GetAsync($"/api/nope-{Guid.NewGuid():N}")).Expect(HttpStatusCode.NotFound);
            (await human.PostAsync($"/nope-{Guid.NewGuid():N}", new { })).Expect(HttpStatusCode.NotFound);
        }
    }

    /// <summary>The label sets of <c>circul_http_requests_total</c> (values left out: they keep counting).</summary>
    private async Task<HashSet<string>> RequestSeriesAsync()
    {
        var text = (await Fixture.Anonymous().GetAsync("/metrics")).Expect(HttpStatusCode.OK).Text;
        return text.Split('\n')
            .Where(l => l.StartsWith("circul_http_requests_total{", StringComparison.Ordinal))
            .Select(l => l[..l.LastIndexOf(' ')])
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("method=\"([^\"]*)\"")]
    private static partial Regex MethodLabel();
}
