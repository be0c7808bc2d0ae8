using System.Text.Json;
using Circul.Contracts;
using Circul.Grains.Accounts;
using Circul.Grains.Conversations;
using Circul.Grains.Panels;
using Circul.Grains.Users;
using Circul.Storage;

namespace Circul.Grains.Webhooks;

/// <summary>The consumer API's webhook bots (API section 11). A webhook bot is a Circul bot (a <c>bot-</c> user owned by
/// the key's owner, created as <c>POST /api/apps</c> creates one) plus a configuration row. Allowing a bot in a room (or
/// in all rooms) makes it a member there the way a direct add does (panel: <c>panel_member_joined</c> and the system
/// message; group: added by its owner), since a bot must see a room to be mentioned in it and to reply. Every change
/// tells the rooms concerned to reload their subscriptions, through their grains, wherever they are active.</summary>
public sealed class WebhookBotService(IWebhookStore store, AccountService accounts, IGrainFactory grains, TimeProvider time)
{
    public const string SigningSecretPrefix = "cs_";
    public const int MaxDeliveriesListed = 100;

    public async Task<ConsumerBotDto> CreateAsync(string ownerId, JsonElement body)
    {
        var config = WebhookBotRules.Apply(WebhookBotConfig.Defaults, body);
        var name = config.Name!.Trim();
        var app = await accounts.CreateAppAsync(ownerId, name, config.Description, []);
        var record = new WebhookBotRecord(
            app.App.Id, ownerId, config.Trigger, config.Visibility, config.AllRooms, config.HistoryLimit, config.WebhookUrl!, config.Metadata,
            config.Enabled, Secrets.NewToken(SigningSecretPrefix), time.GetUtcNow());
        await store.CreateBotAsync(record);
        if (record.AllRooms)
        {
            var rooms = await OwnedRoomsAsync(ownerId);
            await JoinAsync(ownerId, record.BotId, rooms);
            await RefreshAsync(rooms);
        }

        return ToDto(record, name, config.Description, [], record.SigningSecret);
    }

    public async Task<IReadOnlyList<ConsumerBotDto>> ListAsync(string ownerId)
    {
        var bots = new List<ConsumerBotDto>();
        foreach (var record in await store.ListBotsAsync(ownerId))
        {
            var user = await grains.GetGrain<IUserGrain>(record.BotId).GetRecordAsync();
            if (user is not null && !user.Deleted)
            {
                bots.Add(ToDto(record, user.Name, user.Description, await store.ListRoomsAsync(record.BotId)));
            }
        }

        return bots;
    }

    public async Task<ConsumerBotDto> GetAsync(string ownerId, string botId)
    {
        var (record, user) = await RequireOwnedAsync(ownerId, botId);
        return ToDto(record, user.Name, user.Description, await store.ListRoomsAsync(botId));
    }

    /// <summary>PATCH: the present fields change, and the whole result is validated again (the conflict rule included).</summary>
    public async Task<ConsumerBotDto> UpdateAsync(string ownerId, string botId, JsonElement body)
    {
        var (record, user) = await RequireOwnedAsync(ownerId, botId);
        var current = new WebhookBotConfig(
            user.Name, user.Description, record.Trigger, record.Visibility, record.AllRooms, record.HistoryLimit, record.WebhookUrl,
            record.Metadata, record.Enabled);
        var next = WebhookBotRules.Apply(current, body);
        var name = next.Name!.Trim();
        if (name != user.Name || next.Description != user.Description)
        {
            await accounts.UpdateAppAsync(ownerId, botId, new AppChange(name, next.Description));
        }

        var updated = record with
        {
            Trigger = next.Trigger,
            Visibility = next.Visibility,
            AllRooms = next.AllRooms,
            HistoryLimit = next.HistoryLimit,
            WebhookUrl = next.WebhookUrl!,
            Metadata = next.Metadata,
            Enabled = next.Enabled,
        };
        await store.UpdateBotAsync(updated);

        var allowed = await store.ListRoomsAsync(botId);
        var owned = await OwnedRoomsAsync(ownerId);
        if (updated.AllRooms)
        {
            await JoinAsync(ownerId, botId, owned);
        }

        await RefreshAsync(record.AllRooms || updated.AllRooms ? owned : [.. owned.Where(r => allowed.Contains(r.Id))]);
        return ToDto(updated, name, next.Description, allowed);
    }

    public async Task DeleteAsync(string ownerId, string botId)
    {
        var (record, _) = await RequireOwnedAsync(ownerId, botId);
        var allowed = await store.ListRoomsAsync(botId);
        var owned = await OwnedRoomsAsync(ownerId);
        await store.DeleteBotAsync(botId);
        await accounts.DeleteAppAsync(ownerId, botId);
        await RefreshAsync(record.AllRooms ? owned : [.. owned.Where(r => allowed.Contains(r.Id))]);
    }

    /// <summary>Allows the bot in one of the owner's chat rooms (a channel of a panel it owns, or a group it owns; else
    /// 404) and makes it a member there.</summary>
    public async Task<ConsumerBotDto> AddRoomAsync(string ownerId, string botId, string roomId)
    {
        var (record, user) = await RequireOwnedAsync(ownerId, botId);
        var room = (await OwnedRoomsAsync(ownerId)).FirstOrDefault(r => r.Id == roomId);
        if (room.Id is null)
        {
            throw ConsumerApiException.NotFound("room");
        }

        await JoinAsync(ownerId, botId, [room]);
        await store.AddRoomAsync(botId, roomId, time.GetUtcNow());
        await RefreshAsync([room]);
        return ToDto(record, user.Name, user.Description, await store.ListRoomsAsync(botId));
    }

    /// <summary>Takes a room from the bot's allowed rooms (its membership there stays, as a kick is the owner's call).</summary>
    public async Task<ConsumerBotDto> RemoveRoomAsync(string ownerId, string botId, string roomId)
    {
        var (record, user) = await RequireOwnedAsync(ownerId, botId);
        if (!await store.RemoveRoomAsync(botId, roomId))
        {
            throw ConsumerApiException.NotFound("room");
        }

        await RefreshAsync([.. (await OwnedRoomsAsync(ownerId)).Where(r => r.Id == roomId)]);
        return ToDto(record, user.Name, user.Description, await store.ListRoomsAsync(botId));
    }

    public async Task<IReadOnlyList<ConsumerDeliveryDto>> ListDeliveriesAsync(string ownerId, string botId, int limit)
    {
        await RequireOwnedAsync(ownerId, botId);
        var rows = await store.ListDeliveriesAsync(botId, Math.Clamp(limit, 1, MaxDeliveriesListed));
        return [.. rows.Select(d => new ConsumerDeliveryDto(
            d.Id, d.Event, d.RoomId, d.MessageId, d.Status, d.Attempts, d.LastStatusCode, d.LatencyMs, d.LastError, d.ReplyMessageId,
            d.CreatedAt, d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null, d.CompletedAt))];
    }

    /// <summary>The owner just created a panel or a group: its bots allowed in all chat rooms join it as they joined the
    /// owner's other rooms, so that "all chat rooms" includes rooms created later. A bot that cannot join (a full group)
    /// is skipped: the room exists either way. Returns the bots that joined.</summary>
    public async Task<IReadOnlyList<string>> JoinAllRoomsBotsAsync(string ownerId, string roomId, string? panelId)
    {
        var joined = new List<string>();
        foreach (var bot in await store.ListBotsAsync(ownerId))
        {
            if (!bot.AllRooms)
            {
                continue;
            }

            try
            {
                await JoinAsync(ownerId, bot.BotId, [new OwnedRoom(roomId, panelId)]);
                joined.Add(bot.BotId);
            }
            catch (ApiException e) when (e.StatusCode is 400 or 403 or 404)
            {
                // Full group, bot banned from the panel, bot or room deleted meanwhile.
            }
        }

        return joined;
    }

    /// <summary>The chat rooms of an owner: the channels of the panels it created and the groups it owns.</summary>
    private async Task<List<OwnedRoom>> OwnedRoomsAsync(string ownerId)
    {
        var rooms = new List<OwnedRoom>();
        var owner = grains.GetGrain<IUserGrain>(ownerId);
        foreach (var panelId in await owner.ListPanelIdsAsync())
        {
            var panel = grains.GetGrain<IPanelGrain>(panelId);
            try
            {
                if ((await panel.GetAsync(ownerId)).CreatorId == ownerId)
                {
                    rooms.AddRange((await panel.ListChannelsAsync(ownerId)).Select(c => new OwnedRoom(c.Id, panelId)));
                }
            }
            catch (ApiException e) when (e.StatusCode == 404)
            {
                // Deleted or left meanwhile.
            }
        }

        foreach (var conversationId in await owner.ListConversationIdsAsync())
        {
            try
            {
                var conversation = await grains.GetGrain<IConversationGrain>(conversationId).GetAsync(ownerId);
                if (conversation.Kind == "group" && conversation.OwnerId == ownerId)
                {
                    rooms.Add(new OwnedRoom(conversationId, null));
                }
            }
            catch (ApiException e) when (e.StatusCode == 404)
            {
                // Left meanwhile.
            }
        }

        return rooms;
    }

    /// <summary>Makes the bot a member of the rooms' panels and groups (already a member: nothing happens).</summary>
    private async Task JoinAsync(string ownerId, string botId, IEnumerable<OwnedRoom> rooms)
    {
        foreach (var panelId in rooms.Where(r => r.PanelId is not null).Select(r => r.PanelId!).Distinct(StringComparer.Ordinal))
        {
            try
            {
                await grains.GetGrain<IPanelGrain>(panelId).AddBotAsync(ownerId, botId);
            }
            catch (ApiException e) when (e.StatusCode == 409)
            {
                // Already a member.
            }
        }

        foreach (var group in rooms.Where(r => r.PanelId is null))
        {
            await grains.GetGrain<IConversationGrain>(group.Id).AddMemberAsync(ownerId, botId);
        }
    }

    private Task RefreshAsync(IEnumerable<OwnedRoom> rooms) =>
        Task.WhenAll(rooms.Select(r => r.PanelId is null
            ? grains.GetGrain<IConversationGrain>(r.Id).RefreshWebhooksAsync()
            : grains.GetGrain<IChannelGrain>(r.Id).RefreshWebhooksAsync(r.PanelId)));

    private async Task<(WebhookBotRecord Record, UserRecord User)> RequireOwnedAsync(string ownerId, string botId)
    {
        var record = await store.GetBotAsync(botId);
        if (record is null || record.OwnerId != ownerId)
        {
            throw ConsumerApiException.NotFound("bot");
        }

        var user = await grains.GetGrain<IUserGrain>(botId).GetRecordAsync();
        if (user is null || user.Deleted)
        {
            throw ConsumerApiException.NotFound("bot");
        }

        return (record, user);
    }

    private static ConsumerBotDto ToDto(WebhookBotRecord r, string name, string description, IReadOnlyList<string> rooms, string? secret = null) =>
        new(r.BotId, name, description, r.Trigger, r.Visibility, r.AllRooms, r.HistoryLimit, r.WebhookUrl, r.Metadata, r.Enabled, rooms,
            r.CreatedAt, secret);

    private readonly record struct OwnedRoom(string Id, string? PanelId);
}
