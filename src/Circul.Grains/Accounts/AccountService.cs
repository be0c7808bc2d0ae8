using Circul.Contracts;
using Circul.Grains.Users;

using Circul.Storage;

namespace Circul.Grains.Accounts;

/// <summary>Registration, login and bot applications. Name uniqueness is the database's job, so this is a service
/// rather than a grain; everything about one user afterwards goes through its <see cref="IUserGrain"/>.</summary>
public sealed class AccountService(IUserStore users, TokenService tokens, IGrainFactory grains, TimeProvider time)
{
    public async Task<AuthResultDto> RegisterAsync(string username, string password)
    {
        var id = Ids.NewId("u-");
        var record = new UserRecord(
            id, username, false, null, username, "", "", UserStatuses.Online, false, "", "", "", [], time.GetUtcNow(), false, 0);
        try
        {
            await users.CreateUserAsync(record, Secrets.HashPassword(password));
        }
        catch (DuplicateNameException)
        {
            throw ApiException.Conflict("username is taken");
        }

        var token = await tokens.IssueAsync(id, TokenKinds.Session, TokenKinds.SessionPrefix);
        return new AuthResultDto((await grains.GetGrain<IUserGrain>(id).GetAsync())!, token);
    }

    public async Task<AuthResultDto> LoginAsync(string username, string password)
    {
        var user = await VerifyLoginAsync(username, password);
        var token = await tokens.IssueAsync(user.Id, TokenKinds.Session, TokenKinds.SessionPrefix);
        return new AuthResultDto(user, token);
    }

    /// <summary>Checks a human's credentials without issuing a token (the web pages' login keeps its own cookie
    /// session); 401 with one message for an unknown user and a wrong password alike.</summary>
    public async Task<UserDto> VerifyLoginAsync(string username, string password)
    {
        var login = await users.FindLoginAsync(username);
        if (login is null)
        {
            Secrets.VerifyPassword(password, Secrets.DummyHash);
            throw ApiException.Unauthorized("invalid username or password");
        }

        if (!Secrets.VerifyPassword(password, login.Value.PasswordHash))
        {
            throw ApiException.Unauthorized("invalid username or password");
        }

        return await grains.GetGrain<IUserGrain>(login.Value.UserId).GetAsync()
            ?? throw ApiException.Unauthorized("invalid username or password");
    }

    public async Task<AppCreatedDto> CreateAppAsync(string ownerId, string name, string description, IReadOnlyList<string> redirectUris)
    {
        var id = Ids.NewId("bot-");
        var record = new UserRecord(
            id, null, true, ownerId, name, "", "", UserStatuses.Online, false, "", "", description, redirectUris, time.GetUtcNow(), false, 0);
        await users.CreateUserAsync(record, null);
        await grains.GetGrain<IUserGrain>(ownerId).AddContactsAsync([id]);
        var token = await tokens.IssueAsync(id, TokenKinds.Bot, TokenKinds.BotPrefix);
        return new AppCreatedDto(ToApp(record), token);
    }

    public async Task<IReadOnlyList<AppDto>> ListAppsAsync(string ownerId) =>
        [.. (await users.ListBotsAsync(ownerId)).Select(ToApp)];

    public async Task<AppDto> GetAppAsync(string ownerId, string botId) => ToApp(await RequireOwnedAsync(ownerId, botId));

    public async Task<AppDto> UpdateAppAsync(string ownerId, string botId, AppChange change)
    {
        await RequireOwnedAsync(ownerId, botId);
        return ToApp(await grains.GetGrain<IUserGrain>(botId).UpdateAppAsync(change));
    }

    public async Task DeleteAppAsync(string ownerId, string botId)
    {
        await RequireOwnedAsync(ownerId, botId);
        await tokens.RevokeAllAsync(botId, null);
        await grains.GetGrain<IUserGrain>(botId).DeleteAsync();
        await grains.GetGrain<IUserGrain>(ownerId).InvalidateContactsAsync();
    }

    public async Task<TokenDto> ResetTokenAsync(string ownerId, string botId)
    {
        await RequireOwnedAsync(ownerId, botId);
        await tokens.RevokeAllAsync(botId, TokenKinds.Bot);
        return new TokenDto(await tokens.IssueAsync(botId, TokenKinds.Bot, TokenKinds.BotPrefix));
    }

    private async Task<UserRecord> RequireOwnedAsync(string ownerId, string botId)
    {
        var bot = await grains.GetGrain<IUserGrain>(botId).GetRecordAsync();
        if (bot is null || !bot.IsBot || bot.OwnerId != ownerId)
        {
            throw ApiException.NotFound("app");
        }

        return bot;
    }

    private static AppDto ToApp(UserRecord bot) =>
        new(bot.Id, bot.Name, bot.Description, bot.RedirectUris, bot.OwnerId!, bot.AvatarUrl, bot.CreatedAt);
}
