using System.Text;
using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Accounts;
using Circul.Silo.Api;
using Circul.Silo.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans;

namespace Circul.Silo.Tests.Api;

/// <summary>The endpoint handlers called as plain static methods, without HTTP: each returns its typed result (status and
/// value), and the rules it no longer holds come back from the grain it calls. The silo supplies the grains.</summary>
public sealed class HandlerTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    private IServiceProvider Services => Fixture.Silo.Services;

    private IGrainFactory Grains => Services.GetRequiredService<IGrainFactory>();

    private IOptions<LimitsOptions> Limits => Services.GetRequiredService<IOptions<LimitsOptions>>();

    private Circul.Grains.Webhooks.WebhookBotService WebhookBots => Services.GetRequiredService<Circul.Grains.Webhooks.WebhookBotService>();

    [Fact]
    public async Task CreatePanel_Returns201WithThePanel_AndNoLocation()
    {
        var owner = await NewOwnerAsync();

        var result = await PanelsApi.CreateAsync(Request(owner, new { name = "  Handlers  " }), Grains, WebhookBots, Limits);

        Assert.Equal(StatusCodes.Status201Created, result.StatusCode);
        Assert.Null(result.Location);
        Assert.Equal("Handlers", result.Value!.Name);
        Assert.Equal(owner.UserId, result.Value.CreatorId);
    }

    [Fact]
    public async Task CreateChannel_NormalisesTheName_InTheGrain()
    {
        var owner = await NewOwnerAsync();
        var panel = await NewPanelAsync(owner);

        var created = await PanelsApi.CreateChannelAsync(Request(owner, new { name = "Bot Talk" }), panel.Id, Grains, Limits);
        var listed = await PanelsApi.ListChannelsAsync(Request(owner), panel.Id, Grains);

        Assert.Equal(StatusCodes.Status201Created, created.StatusCode);
        Assert.Equal("bot-talk", created.Value!.Name);
        Assert.Equal(StatusCodes.Status200OK, listed.StatusCode);
        Assert.Contains(listed.Value!, c => c.Id == created.Value.Id && c.Name == "bot-talk" && c.UnreadCount == 0);
    }

    [Fact]
    public async Task PutOverride_NamingAPermissionInAllowAndDeny_FailsWith400FromTheGrain_AndChangesNothing()
    {
        var owner = await NewOwnerAsync();
        var panel = await NewPanelAsync(owner);
        var general = panel.Categories[0].ChannelIds[0];

        var error = await Assert.ThrowsAsync<ApiException>(() => PanelsApi.PutOverrideAsync(
            Request(owner, new { allow = new[] { "send_messages" }, deny = new[] { "send_messages" } }), panel.Id, general, "everyone", Grains, Limits));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal("allow and deny must not name the same permission", error.Message);
        var channels = await PanelsApi.ListChannelsAsync(Request(owner), panel.Id, Grains);
        Assert.Empty(channels.Value!.Single(c => c.Id == general).Overrides);
    }

    [Fact]
    public async Task CreateRole_WithABadColor_Fails400InTheGrain()
    {
        var owner = await NewOwnerAsync();
        var panel = await NewPanelAsync(owner);

        var error = await Assert.ThrowsAsync<ApiException>(() =>
            PanelsApi.CreateRoleAsync(Request(owner, new { name = "r", color = "red" }), panel.Id, Grains, Limits));

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("color", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ban_Returns201WithTheBan_SerialisedAsTheContractsObject()
    {
        var owner = await NewOwnerAsync();
        var panel = await NewPanelAsync(owner);
        var bot = await Services.GetRequiredService<AccountService>().CreateAppAsync(owner.UserId, "Banned", "", []);

        var result = await PanelsApi.BanAsync(Request(owner, new { user_id = bot.App.Id, reason = "spam" }), panel.Id, Grains, Limits);

        Assert.Equal(StatusCodes.Status201Created, result.StatusCode);
        Assert.Equal(new PanelBanDto(panel.Id, bot.App.Id, "spam"), result.Value);
        var (status, body) = await ExecuteAsync(result);
        Assert.Equal(201, status);
        Assert.Equal($$"""{"panel_id":"{{panel.Id}}","user_id":"{{bot.App.Id}}","reason":"spam"}""", body);
    }

    [Fact]
    public async Task DeleteCategory_Returns204()
    {
        var owner = await NewOwnerAsync();
        var panel = await NewPanelAsync(owner);

        var result = await PanelsApi.DeleteCategoryAsync(Request(owner), panel.Id, panel.Categories[0].Id, Grains);

        Assert.Equal(StatusCodes.Status204NoContent, result.StatusCode);
        var after = await PanelsApi.GetAsync(Request(owner), panel.Id, Grains);
        Assert.Empty(after.Value!.Categories);
    }

    [Fact]
    public async Task MessageRoutes_ForAnIdThatIsNoMessageId_Answer404_AndForAnUnknownMessage_TooThroughTheMessageGrain()
    {
        var owner = await NewOwnerAsync();

        var malformed = await Assert.ThrowsAsync<ApiException>(() => MessagesApi.DeleteAsync(Request(owner), "msg-nope", Grains));
        var unknown = await Assert.ThrowsAsync<ApiException>(() => MessagesApi.DeleteAsync(Request(owner), "msg-0000000000000000", Grains));

        Assert.Equal((404, "message not found"), (malformed.StatusCode, malformed.Message));
        Assert.Equal((404, "message not found"), (unknown.StatusCode, unknown.Message));
    }

    [Fact]
    public async Task ListPanels_ComesFromTheUsersGrain_WithoutAStoreInTheHandler()
    {
        var owner = await NewOwnerAsync();
        var panel = await NewPanelAsync(owner);

        var result = await PanelsApi.ListAsync(Request(owner), Grains);

        Assert.Equal(StatusCodes.Status200OK, result.StatusCode);
        Assert.Equal([panel.Id], result.Value!.Select(p => p.Id));
    }

    private async Task<AuthenticatedUser> NewOwnerAsync()
    {
        var registered = await Services.GetRequiredService<AccountService>().RegisterAsync("h" + Guid.NewGuid().ToString("N")[..12], SiloFixture.Password);
        return new AuthenticatedUser(registered.User.Id, TokenKinds.Session, "not-a-real-token-hash");
    }

    private async Task<PanelDto> NewPanelAsync(AuthenticatedUser owner) =>
        (await PanelsApi.CreateAsync(Request(owner, new { name = "panel" }), Grains, WebhookBots, Limits)).Value!;

    private DefaultHttpContext Request(AuthenticatedUser caller, object? body = null)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        Caller.Set(context, caller);
        if (body is not null)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = "application/json";
        }

        return context;
    }

    /// <summary>Writes a result as the host would, into memory: the status and the body as text.</summary>
    private async Task<(int Status, string Body)> ExecuteAsync(IResult result)
    {
        var context = new DefaultHttpContext { RequestServices = Services };
        using var body = new MemoryStream();
        context.Response.Body = body;
        await result.ExecuteAsync(context);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(body.ToArray()));
    }
}
