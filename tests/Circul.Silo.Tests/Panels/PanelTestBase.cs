namespace Circul.Silo.Tests.Panels;

/// <summary>Helpers for API.md sections 6 and 7: panels made by a human, bots added directly, roles, overrides and
/// channel messages. Every helper asserts the contract's status so that a test's set-up failing says where.</summary>
public abstract class PanelTestBase(SiloFixture fixture) : SiloTestBase(fixture)
{
    /// <summary>The permissions of the everyone role when a panel is created (API.md section 7).</summary>
    protected static readonly string[] EveryoneDefaults = ["view_channel", "send_messages", "read_message_history", "add_reactions", "create_invite"];

    protected static readonly string[] NoPermissions = [];

    protected static async Task<PanelRef> CreatePanelAsync(BotClient owner, string? name = null)
    {
        var response = await owner.PostAsync("/api/panels", new { name = name ?? SiloFixture.RandomName("p") });
        var panel = response.Expect(HttpStatusCode.Created).Json;
        var text = panel.Items("categories").Single(c => c.Str("name") == "Text");
        return new PanelRef(panel.Str("id"), text.Strings("channel_ids").Single(), text.Str("id"), panel);
    }

    /// <summary>A human owner, its panel, and <paramref name="bots"/> of its bots added directly.</summary>
    protected async Task<(BotClient Owner, PanelRef Panel, BotClient[] Bots)> PanelWithBotsAsync(int bots)
    {
        var owner = await NewHumanAsync();
        var panel = await CreatePanelAsync(owner);
        var added = new BotClient[bots];
        for (var i = 0; i < bots; i++)
        {
            added[i] = await NewBotAsync(owner);
            await AddBotAsync(owner, panel, added[i]);
        }

        return (owner, panel, added);
    }

    protected static async Task AddBotAsync(BotClient manager, PanelRef panel, BotClient bot)
    {
        var response = await manager.PostAsync($"{panel.Path}/bots", new { bot_id = bot.Id });
        response.ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created);
    }

    protected static async Task<JsonElement> GetPanelAsync(BotClient reader, PanelRef panel) =>
        (await reader.GetAsync(panel.Path)).Expect(HttpStatusCode.OK).Json;

    protected static async Task<JsonElement[]> ChannelsAsync(BotClient reader, PanelRef panel) =>
        (await reader.GetAsync($"{panel.Path}/channels")).Expect(HttpStatusCode.OK).Json.Items();

    protected static async Task<JsonElement> CreateChannelAsync(BotClient caller, PanelRef panel, string name, string? categoryId = null)
    {
        var response = await caller.PostAsync($"{panel.Path}/channels", new { name, category_id = categoryId });
        return response.Expect(HttpStatusCode.Created).Json;
    }

    /// <summary>A new channel that only the owner (and members with a role allowed by a later override) can view.</summary>
    protected static async Task<string> CreateHiddenChannelAsync(BotClient owner, PanelRef panel, string name = "secret")
    {
        var channelId = (await CreateChannelAsync(owner, panel, name)).Str("id");
        (await PutOverrideAsync(owner, panel, channelId, "everyone", NoPermissions, ["view_channel"])).Expect(HttpStatusCode.OK);
        return channelId;
    }

    /// <summary>Two bots in a panel and a hidden channel that only the insider's role may view.</summary>
    protected async Task<(BotClient Owner, PanelRef Panel, BotClient Insider, BotClient Outsider, string Hidden, string Role)> InsiderAndOutsiderAsync()
    {
        var (owner, panel, bots) = await PanelWithBotsAsync(2);
        var (insider, outsider) = (bots[0], bots[1]);
        var hidden = await CreateHiddenChannelAsync(owner, panel);
        var role = await GiveRoleAsync(owner, panel, insider, 1);
        (await PutOverrideAsync(owner, panel, hidden, role, ["view_channel"], NoPermissions)).Expect(HttpStatusCode.OK);
        return (owner, panel, insider, outsider, hidden, role);
    }

    protected static async Task<JsonElement> CreateRoleAsync(BotClient caller, PanelRef panel, string name, int position, params string[] permissions)
    {
        var response = await caller.PostAsync($"{panel.Path}/roles", new { name, position, permissions });
        return response.Expect(HttpStatusCode.Created).Json;
    }

    protected static async Task AssignRoleAsync(BotClient caller, PanelRef panel, string userId, string roleId)
    {
        (await caller.PutAsync($"{panel.Path}/members/{userId}/roles/{roleId}", null)).Expect(HttpStatusCode.OK);
    }

    /// <summary>A role at <paramref name="position"/> with these permissions, given to <paramref name="member"/>.</summary>
    protected static async Task<string> GiveRoleAsync(BotClient owner, PanelRef panel, BotClient member, int position, params string[] permissions)
    {
        var roleId = (await CreateRoleAsync(owner, panel, SiloFixture.RandomName("r"), position, permissions)).Str("id");
        await AssignRoleAsync(owner, panel, member.Id, roleId);
        return roleId;
    }

    protected static Task<ApiResponse> PutOverrideAsync(BotClient caller, PanelRef panel, string channelId, string roleId, string[] allow, string[] deny) =>
        caller.PutAsync($"{panel.ChannelPath(channelId)}/overrides/{roleId}", new { allow, deny });

    protected static async Task<JsonElement> PostInChannelAsync(BotClient sender, PanelRef panel, string channelId, string text, string[]? mentions = null)
    {
        var response = await sender.PostAsync(panel.MessagesPath(channelId), mentions is null ? new { text } : (object)new { text, mentions });
        return response.Expect(HttpStatusCode.Created).Json;
    }

    protected static async Task<JsonElement[]> ChannelMessagesAsync(BotClient reader, PanelRef panel, string channelId, string query = "") =>
        (await reader.GetAsync(panel.MessagesPath(channelId) + query)).Expect(HttpStatusCode.OK).Json.Items();

    protected static async Task<string> CreateInviteCodeAsync(BotClient caller, PanelRef panel, object? body = null)
    {
        var response = await caller.PostAsync($"{panel.Path}/invites", body ?? new { });
        return response.Expect(HttpStatusCode.Created).Json.Str("code");
    }

    protected static async Task JoinByInviteAsync(BotClient caller, string code)
    {
        (await caller.PostAsync($"/api/invites/{code}/accept")).Expect(HttpStatusCode.OK);
    }

    protected static async Task<string[]> MemberIdsAsync(BotClient reader, PanelRef panel) =>
        (await GetPanelAsync(reader, panel)).Strings("member_ids");

    protected static Func<GatewayEvent, bool> ForPanel(PanelRef panel) =>
        e => e.Payload.ValueKind == JsonValueKind.Object
            && ((e.Payload.Has("panel_id") && e.Payload.Prop("panel_id").ValueKind == JsonValueKind.String && e.Payload.Str("panel_id") == panel.Id)
                || (e.Type == "panel_updated" && e.Payload.Has("id") && e.Payload.Str("id") == panel.Id));

    protected static Func<GatewayEvent, bool> PanelMessageWithText(string text) =>
        e => e.Type == "panel_message" && e.Payload.Prop("message").Str("text") == text;

    /// <summary>Any message, edit, delete, reaction or mention event of this channel.</summary>
    protected static Func<GatewayEvent, bool> AnyEventOfChannel(string channelId) =>
        e => e.Payload.ValueKind == JsonValueKind.Object
            && e.Payload.Has("channel_id") && e.Payload.Prop("channel_id").ValueKind == JsonValueKind.String
            && e.Payload.Str("channel_id") == channelId;

    /// <summary>Posts a marker in a channel the listener can view and proves nothing forbidden reached it before.</summary>
    protected static async Task AssertNothingBeforeMarkerAsync(
        GatewayClient listener, BotClient markerSender, PanelRef panel, string visibleChannelId, Func<GatewayEvent, bool> forbidden, string forbiddenDescription)
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await PostInChannelAsync(markerSender, panel, visibleChannelId, marker);
        await listener.AssertNoneBeforeAsync(forbidden, "panel_message", PanelMessageWithText(marker), forbiddenDescription);
    }

    protected static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];
}
