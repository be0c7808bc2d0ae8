namespace Circul.LoadTest;

/// <summary>
/// The <c>--url</c> list: one REST client per URL. Bot <c>i</c> belongs to URL <c>i mod N</c> (round-robin): its
/// socket connects there and every REST call made with its token goes there, so a delivery is <b>same-silo</b> when
/// the sender's URL is the receiver's URL and <b>cross-silo</b> otherwise. Calls made with the owner's token go to the
/// first URL, except bot creation, which goes to the new bot's own URL (spreading the set-up). With one URL (or
/// nginx's) every delivery is same-silo by this definition.
/// </summary>
public sealed class SiloTargets : IDisposable
{
    private readonly CirculApiClient[] _clients;

    public SiloTargets(IReadOnlyList<Uri> urls, int maxConnectionsPerUrl)
    {
        if (urls.Count == 0)
        {
            throw new ArgumentException("at least one URL", nameof(urls));
        }

        Urls = urls;
        _clients = urls.Select(u => new CirculApiClient(u, maxConnectionsPerUrl)).ToArray();
    }

    public IReadOnlyList<Uri> Urls { get; }

    public int Count => _clients.Length;

    /// <summary>The client the owner's calls use: the first URL.</summary>
    public CirculApiClient Owner => _clients[0];

    public IReadOnlyList<CirculApiClient> Clients => _clients;

    /// <summary>The index of <paramref name="bot"/>'s URL in <see cref="Urls"/>.</summary>
    public int SiloOf(BotIdentity bot) => SiloOf(bot.Index);

    /// <summary>The index of the URL of the bot created <paramref name="botIndex"/>-th.</summary>
    public int SiloOf(int botIndex) => botIndex % _clients.Length;

    /// <summary>The client for calls made with <paramref name="bot"/>'s token.</summary>
    public CirculApiClient For(BotIdentity bot) => _clients[SiloOf(bot)];

    /// <summary>The client the bot created <paramref name="botIndex"/>-th belongs to.</summary>
    public CirculApiClient For(int botIndex) => _clients[SiloOf(botIndex)];

    /// <summary>The gateway URL (<c>ws://host:port/ws</c>) of URL number <paramref name="silo"/>.</summary>
    public string GatewayUrl(int silo) => GatewayUrl(_clients[silo].BaseUrl);

    public static string GatewayUrl(Uri baseUrl)
    {
        var builder = new UriBuilder(baseUrl)
        {
            Scheme = baseUrl.Scheme == Uri.UriSchemeHttps ? "wss" : "ws",
            Path = "/ws",
        };
        return builder.Uri.GetLeftPart(UriPartial.Path);
    }

    /// <summary>"http://127.0.0.1:5101/" for one URL; "3 URLs: http://…, http://…, http://…" for several.</summary>
    public static string Describe(IReadOnlyList<Uri> urls) =>
        urls.Count == 1 ? urls[0].ToString() : $"{urls.Count} URLs: {string.Join(", ", urls)}";

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }
}
