using System.Net;
using System.Runtime.ExceptionServices;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;

namespace Circul.Silo.Tests.Infrastructure;

/// <summary>
/// One silo per test class. Tests share it but create their own users with random names, so they never see
/// each other's data. A start-up failure is kept and rethrown by every test of the class, with its message.
/// </summary>
public abstract class SiloFixture : IAsyncLifetime
{
    public const string Password = "correct-horse-battery";

    private ProvisionedStorage? _storage;
    private RunningSilo? _silo;
    private ExceptionDispatchInfo? _startupError;

    protected virtual IStorageProvisioner Storage { get; } = new SqliteStorageProvisioner();

    public RunningSilo Silo => _silo ?? throw new InvalidOperationException("the silo is not running");

    public string BaseUrl => Silo.BaseUrl;

    public string StorageName => Storage.Name;

    /// <summary>Settings every fixture starts from; subclasses adjust them.</summary>
    public static Dictionary<string, string?> BaseSettings() => new()
    {
        ["Logging:LogLevel:Default"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
        ["Circul:RateLimits:Enabled"] = "false",

        // Several silos run at once in one test run: each takes free Orleans ports.
        ["Circul:Orleans:SiloPort"] = "0",
        ["Circul:Orleans:GatewayPort"] = "0",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
    };

    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Adjusts the host builder after the settings are in (services, logging providers).</summary>
    protected virtual void ConfigureBuilder(WebApplicationBuilder builder)
    {
    }

    /// <summary>The full configuration (storage excluded) this fixture's silo runs with.</summary>
    public Dictionary<string, string?> Settings()
    {
        var settings = BaseSettings();
        Configure(settings);
        return settings;
    }

    public async Task InitializeAsync()
    {
        try
        {
            _storage = await Storage.CreateAsync();
            _silo = await RunningSilo.StartAsync(Merge(Settings(), _storage.Settings), ConfigureBuilder);
        }
        catch (Exception e)
        {
            _startupError = ExceptionDispatchInfo.Capture(e);
        }
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_storage is not null)
        {
            await _storage.DisposeAsync();
        }
    }

    public void ThrowIfUnavailable() => _startupError?.Throw();

    /// <summary>A storage of this fixture's provider, separate from the shared silo's (restart tests).</summary>
    public Task<ProvisionedStorage> CreateIsolatedStorageAsync() => Storage.CreateAsync();

    public static Dictionary<string, string?> Merge(params IReadOnlyDictionary<string, string?>[] parts)
    {
        var merged = new Dictionary<string, string?>();
        foreach (var part in parts)
        {
            foreach (var (key, value) in part)
            {
                merged[key] = value;
            }
        }

        return merged;
    }

    public static string RandomName(string prefix = "u") => prefix + Guid.NewGuid().ToString("N")[..12];

    public BotClient Anonymous() => new(Silo, token: null, scheme: null);

    public BotClient WithToken(string? token, string? scheme) => new(Silo, token, scheme);

    /// <summary>Registers a human with a random name; the client sends its session token as Bearer.</summary>
    public async Task<BotClient> NewHumanAsync(string? name = null)
    {
        name ??= RandomName("h");
        var response = await Anonymous().PostAsync("/api/auth/register", new { username = name, password = Password });
        var json = response.Expect(HttpStatusCode.Created).Json;
        var client = new BotClient(Silo, json.Str("token"), "Bearer");
        client.SetUser(json.Prop("user"));
        client.Password = Password;
        return client;
    }

    /// <summary>Creates an app (a bot) owned by <paramref name="owner"/>; the client sends its token as Bot.</summary>
    public async Task<BotClient> NewBotAsync(BotClient owner, string? name = null)
    {
        name ??= RandomName("b");
        var response = await owner.PostAsync("/api/apps", new { name, description = "test bot" });
        var json = response.Expect(HttpStatusCode.Created).Json;
        var client = new BotClient(Silo, json.Str("token"), "Bot");
        client.App = json.Prop("app").Clone();
        var me = await client.GetAsync("/api/me");
        client.SetUser(me.Expect(HttpStatusCode.OK).Json);
        return client;
    }

    /// <summary>
    /// An owner and two of its bots that can see each other (the owner puts them in a group, which makes them
    /// visible to each other), then the DM between the two bots.
    /// </summary>
    public async Task<DmWorld> NewBotsInDmAsync()
    {
        var owner = await NewHumanAsync();
        var a = await NewBotAsync(owner);
        var b = await NewBotAsync(owner);
        var group = await owner.PostAsync("/api/groups", new { name = "intro", member_ids = new[] { a.Id, b.Id } });
        var groupId = group.Expect(HttpStatusCode.Created).Json.Str("id");
        var dm = await a.PostAsync("/api/conversations", new { peer_id = b.Id });
        var dmId = dm.Expect(HttpStatusCode.OK).Json.Str("id");
        return new DmWorld(owner, a, b, dmId, groupId);
    }

    /// <summary>A bot of its own owner with a DM to that owner: a stranger to everyone else.</summary>
    public async Task<Stranger> NewStrangerAsync()
    {
        var owner = await NewHumanAsync();
        var bot = await NewBotAsync(owner);
        var dm = await owner.PostAsync("/api/conversations", new { peer_id = bot.Id });
        return new Stranger(owner, bot, dm.Expect(HttpStatusCode.OK).Json.Str("id"));
    }

    public static async Task<JsonElement> SendAsync(BotClient sender, string convId, string text)
    {
        var response = await sender.PostAsync($"/api/conversations/{convId}/messages", new { text });
        return response.Expect(HttpStatusCode.Created).Json;
    }
}
