namespace Circul.Silo.Tests.Infrastructure;

/// <summary>Shared helpers; rethrows the fixture's start-up failure so every test reports it.</summary>
public abstract class SiloTestBase
{
    protected SiloTestBase(SiloFixture fixture)
    {
        Fixture = fixture;
        fixture.ThrowIfUnavailable();
    }

    protected SiloFixture Fixture { get; }

    protected Task<BotClient> NewHumanAsync(string? name = null) => Fixture.NewHumanAsync(name);

    protected Task<BotClient> NewBotAsync(BotClient owner, string? name = null) => Fixture.NewBotAsync(owner, name);

    protected Task<DmWorld> NewBotsInDmAsync() => Fixture.NewBotsInDmAsync();

    protected Task<Stranger> NewStrangerAsync() => Fixture.NewStrangerAsync();

    protected static Task<JsonElement> SendAsync(BotClient sender, string convId, string text) =>
        SiloFixture.SendAsync(sender, convId, text);

    /// <summary>GET …/messages as <paramref name="reader"/>, expecting 200 and a bare array.</summary>
    protected static async Task<JsonElement[]> ListAsync(BotClient reader, string convId, string query = "")
    {
        var response = await reader.GetAsync($"/api/conversations/{convId}/messages{query}");
        return response.Expect(HttpStatusCode.OK).Json.Items();
    }

    protected static async Task<string[]> ListIdsAsync(BotClient reader, string convId, string query = "") =>
        (await ListAsync(reader, convId, query)).Select(m => m.Str("id")).ToArray();

    protected static async Task<string> OpenDmAsync(BotClient caller, BotClient peer)
    {
        var response = await caller.PostAsync("/api/conversations", new { peer_id = peer.Id });
        return response.Expect(HttpStatusCode.OK).Json.Str("id");
    }

    protected static async Task<JsonElement> CreateGroupAsync(BotClient caller, params BotClient[] members)
    {
        var response = await caller.PostAsync("/api/groups", new { name = SiloFixture.RandomName("g"), member_ids = members.Select(m => m.Id).ToArray() });
        return response.Expect(HttpStatusCode.Created).Json;
    }

    protected static Func<GatewayEvent, bool> MessageNewWithId(string messageId) =>
        e => e.Payload.Prop("message").Str("id") == messageId;

    protected static Func<GatewayEvent, bool> MessageNewWithText(string text) =>
        e => e.Payload.Has("message") && e.Payload.Prop("message").Has("text") && e.Payload.Prop("message").Str("text") == text;

    protected static Func<GatewayEvent, bool> AboutUser(string userId) =>
        e => e.Payload.ValueKind == JsonValueKind.Object
            && ((e.Payload.Has("user_id") && e.Payload.Str("user_id") == userId) || (e.Payload.Has("id") && e.Payload.Str("id") == userId));
}
