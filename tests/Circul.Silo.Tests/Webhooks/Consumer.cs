namespace Circul.Silo.Tests.Webhooks;

/// <summary>A human with a consumer API key, calling the consumer API with it (header <c>auth</c>).</summary>
public sealed class Consumer(BotClient owner, string key, string keyId)
{
    public const string Prefix = "/consumer/api/v2";

    public BotClient Owner { get; } = owner;

    public string Key { get; } = key;

    public string KeyId { get; } = keyId;

    public static async Task<Consumer> CreateAsync(SiloFixture fixture)
    {
        var owner = await fixture.NewHumanAsync();
        var created = (await owner.PostAsync("/api/keys", new { name = "test key" })).Expect(HttpStatusCode.Created).Json;
        return new Consumer(owner, created.Str("key"), created.Str("id"));
    }

    public Task<ApiResponse> SendAsync(HttpMethod method, string path, object? body = null) =>
        Anonymous.SendAsync(method, Prefix + path, body, new Dictionary<string, string> { ["auth"] = Key });

    public Task<ApiResponse> SendRawAsync(HttpMethod method, string path, string body) =>
        Anonymous.SendRawAsync(method, Prefix + path, body, headers: new Dictionary<string, string> { ["auth"] = Key });

    /// <summary>Creates a bot; 200 expected; returns its <c>bot</c> object.</summary>
    public async Task<JsonElement> CreateBotAsync(object body)
    {
        var response = await SendAsync(HttpMethod.Post, "/bot", body);
        var json = response.Expect(HttpStatusCode.OK).Json;
        Assert.True(json.Bool("success"), response.Describe());
        return json.Prop("bot");
    }

    /// <summary>The bot's deliveries, newest first.</summary>
    public async Task<JsonElement[]> DeliveriesAsync(string botId) =>
        (await SendAsync(HttpMethod.Get, $"/bot/{botId}/deliveries")).Expect(HttpStatusCode.OK).Json.Items("deliveries");

    /// <summary>Polls the deliveries list until <paramref name="done"/> holds for the newest delivery (or fails naming it).</summary>
    public async Task<JsonElement> WaitForDeliveryAsync(string botId, Func<JsonElement, bool> done, string what, TimeSpan? timeout = null) =>
        (await WaitForDeliveriesAsync(botId, all => all.Length > 0 && done(all[0]), what, timeout))[0];

    /// <summary>Polls the deliveries list until <paramref name="done"/> holds for the whole list (or fails naming it).</summary>
    public async Task<JsonElement[]> WaitForDeliveriesAsync(string botId, Func<JsonElement[], bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        JsonElement[] last = [];
        while (DateTimeOffset.UtcNow < deadline)
        {
            last = await DeliveriesAsync(botId);
            if (done(last))
            {
                return last;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"expected {what}; deliveries: {string.Join(" | ", last.Select(d => d.GetRawText()))}");
    }

    private BotClient Anonymous => new(Owner.Silo, null, null);
}
