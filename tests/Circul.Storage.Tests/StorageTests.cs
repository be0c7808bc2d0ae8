using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace Circul.Storage.Tests;

/// <summary>The storage parity suite: every test runs once per provider (see the derived classes).</summary>
public abstract class StorageTests(StorageFixture fixture)
{
    private IUserStore Users => fixture.Get<IUserStore>();

    private ITokenStore Tokens => fixture.Get<ITokenStore>();

    private IConversationStore Conversations => fixture.Get<IConversationStore>();

    private IMessageStore Messages => fixture.Get<IMessageStore>();

    private IReadMarkerStore ReadMarkers => fixture.Get<IReadMarkerStore>();

    private IMediaStore Media => fixture.Get<IMediaStore>();

    private IStorageHealth Health => fixture.Get<IStorageHealth>();

    private IGrainStateStore GrainStorage => fixture.Get<IGrainStateStore>();

    private IDurableWriter Writer => fixture.Get<IDurableWriter>();

    // ------------------------------------------------------------------ schema

    [Fact]
    public async Task Migrate_RunAgain_AppliesNothing_AndSchemaVersionListsEveryScriptOnce()
    {
        var scripts = StorageMigrator.LoadScripts(fixture.Dialect.MigrationFolder);

        Assert.Equal(0, await fixture.Migrator.MigrateAsync());
        Assert.Equal(0, await fixture.Migrator.MigrateAsync());

        var versions = (await fixture.ColumnAsync("SELECT version FROM schema_version ORDER BY version"))
            .Select(v => Convert.ToInt32(v, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(scripts.Select(s => s.Version), versions);
        Assert.Equal(1, versions[0]);
    }

    [Fact]
    public async Task Migrate_TwoSilosAtOnceOnAnEmptyDatabase_ApplyEachScriptOnce()
    {
        var scripts = StorageMigrator.LoadScripts(fixture.Dialect.MigrationFolder);
        var options = new StorageOptions { Provider = fixture.Provider, ConnectionString = await fixture.CreateScratchDatabaseAsync() };
        await using var silo1 = SqlDialect.Create(options);
        await using var silo2 = SqlDialect.Create(options);
        using var start = new Barrier(2);

        var applied = await Task.WhenAll(
            Task.Run(() => { start.SignalAndWait(); return new StorageMigrator(silo1).MigrateAsync(); }),
            Task.Run(() => { start.SignalAndWait(); return new StorageMigrator(silo2).MigrateAsync(); }));

        Assert.Equal([0, scripts.Count], applied.Order());
        Assert.Equal(0, await new StorageMigrator(silo2).MigrateAsync());
    }

    [Fact]
    public async Task Ping_AnswersTrue()
    {
        Assert.True(await Health.PingAsync());
    }

    // ------------------------------------------------------------------ users

    [Fact]
    public async Task CreateUser_ThenGet_RoundTripsEveryColumn()
    {
        var id = TestData.Unique("u");
        // Sub-millisecond ticks and a non-UTC offset: storage keeps the instant at millisecond precision, in UTC.
        var createdAt = new DateTimeOffset(2031, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(2)).AddTicks(4567);
        var user = TestData.User(id, username: null, isBot: true, ownerId: "owner-1", createdAt: createdAt) with
        {
            RestPresence = true,
            RedirectUris = ["https://a.test/cb", "https://b.test/cb"],
            Version = 7,
        };

        await Users.CreateUserAsync(user, passwordHash: null);
        var read = await Users.GetUserAsync(id);

        Assert.NotNull(read);
        Assert.Equal(new DateTimeOffset(2031, 5, 6, 5, 8, 9, 123, TimeSpan.Zero), read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.Equal(user.RedirectUris, read.RedirectUris);
        Assert.Equal(user with { CreatedAt = read.CreatedAt, RedirectUris = read.RedirectUris }, read);
        Assert.Null(await Users.GetUserAsync(TestData.Unique("missing")));
    }

    [Fact]
    public async Task CreateUser_WithUsernameTakenInAnotherCase_ThrowsDuplicateName()
    {
        var name = TestData.Unique("Alice");
        await Users.CreateUserAsync(TestData.User(TestData.Unique("u"), name), "hash-1");

        var duplicate = TestData.User(TestData.Unique("u"), name.ToUpperInvariant());
        await Assert.ThrowsAsync<DuplicateNameException>(() => Users.CreateUserAsync(duplicate, "hash-2"));
        Assert.Null(await Users.GetUserAsync(duplicate.Id));
    }

    [Fact]
    public async Task CreateUser_ManyWithoutUsername_DoNotCollide()
    {
        await Users.CreateUserAsync(TestData.User(TestData.Unique("b"), null, isBot: true), null);
        await Users.CreateUserAsync(TestData.User(TestData.Unique("b"), null, isBot: true), null);
    }

    [Fact]
    public async Task FindLogin_IsCaseInsensitive_AndIgnoresDeletedUsers()
    {
        var id = TestData.Unique("u");
        var name = TestData.Unique("Bob");
        await Users.CreateUserAsync(TestData.User(id, name), "pw-hash");

        var login = await Users.FindLoginAsync(name.ToUpperInvariant());
        Assert.Equal((id, "pw-hash"), login);
        Assert.Null(await Users.FindLoginAsync(TestData.Unique("nobody")));

        var user = (await Users.GetUserAsync(id))!;
        await Users.UpdateUserAsync(user with { Deleted = true }, user.Version);
        Assert.Null(await Users.FindLoginAsync(name));
    }

    [Fact]
    public async Task UpdateUser_WithCurrentVersion_WritesProfile_AndReturnsNextVersion()
    {
        var id = TestData.Unique("u");
        var original = TestData.User(id, TestData.Unique("carol"));
        await Users.CreateUserAsync(original, "pw");

        var changed = original with { Name = "Carol B", Bio = "new bio", Mood = "happy", Status = "dnd", RestPresence = true, AvatarUrl = "/x.png", BannerUrl = "/y.png", Description = "d" };
        var version = await Users.UpdateUserAsync(changed, expectedVersion: 1);

        Assert.Equal(2, version);
        Assert.Equal(changed with { Version = 2 }, await Users.GetUserAsync(id), new UserComparer());
        Assert.Equal(id, (await Users.FindLoginAsync(original.Username!))?.UserId);
    }

    [Fact]
    public async Task UpdateUser_WithStaleVersion_ThrowsInconsistentState_AndChangesNothing()
    {
        var id = TestData.Unique("u");
        var original = TestData.User(id, TestData.Unique("dave"));
        await Users.CreateUserAsync(original, "pw");
        await Users.UpdateUserAsync(original with { Name = "first" }, expectedVersion: 1);

        await Assert.ThrowsAsync<StateConflictException>(
            () => Users.UpdateUserAsync(original with { Name = "stale" }, expectedVersion: 1));

        var read = await Users.GetUserAsync(id);
        Assert.Equal("first", read?.Name);
        Assert.Equal(2, read?.Version);
        await Assert.ThrowsAsync<StateConflictException>(
            () => Users.UpdateUserAsync(TestData.User(TestData.Unique("missing"), null), expectedVersion: 1));
    }

    [Fact]
    public async Task UpdateUser_ToAUsernameTakenByAnother_ThrowsDuplicateName()
    {
        var taken = TestData.Unique("erin");
        await Users.CreateUserAsync(TestData.User(TestData.Unique("u"), taken), "pw");
        var other = TestData.User(TestData.Unique("u"), TestData.Unique("frank"));
        await Users.CreateUserAsync(other, "pw");

        await Assert.ThrowsAsync<DuplicateNameException>(
            () => Users.UpdateUserAsync(other with { Username = taken.ToUpperInvariant() }, 1));
        Assert.Equal(other.Username, (await Users.GetUserAsync(other.Id))?.Username);
    }

    [Fact]
    public async Task GetUsers_ReturnsTheNonDeletedAmongTheIds()
    {
        var a = TestData.User(TestData.Unique("u"), null, isBot: true);
        var b = TestData.User(TestData.Unique("u"), null, isBot: true);
        var gone = TestData.User(TestData.Unique("u"), null, isBot: true, deleted: true);
        foreach (var user in new[] { a, b, gone })
        {
            await Users.CreateUserAsync(user, null);
        }

        var found = await Users.GetUsersAsync([a.Id, b.Id, gone.Id, TestData.Unique("missing")]);

        Assert.Equal(new[] { a.Id, b.Id }.Order(StringComparer.Ordinal), found.Select(u => u.Id).Order(StringComparer.Ordinal));
        Assert.Empty(await Users.GetUsersAsync([]));
        Assert.True((await Users.GetUserAsync(gone.Id))?.Deleted);
    }

    [Fact]
    public async Task ListBots_ReturnsTheOwnersLiveBots_OldestFirst()
    {
        var owner = TestData.Unique("owner");
        var older = TestData.User(TestData.Unique("bot"), null, isBot: true, ownerId: owner, createdAt: TestData.Now.AddMinutes(-5));
        var newer = TestData.User(TestData.Unique("bot"), null, isBot: true, ownerId: owner, createdAt: TestData.Now);
        var deleted = TestData.User(TestData.Unique("bot"), null, isBot: true, ownerId: owner, deleted: true);
        var someoneElses = TestData.User(TestData.Unique("bot"), null, isBot: true, ownerId: TestData.Unique("owner"));
        foreach (var user in new[] { newer, older, deleted, someoneElses })
        {
            await Users.CreateUserAsync(user, null);
        }

        var bots = await Users.ListBotsAsync(owner);

        Assert.Equal([older.Id, newer.Id], bots.Select(b => b.Id));
    }

    // ------------------------------------------------------------------ tokens

    [Fact]
    public async Task Tokens_AddFindDelete()
    {
        var token = new TokenRecord(TestData.Unique("hash"), TestData.Unique("u"), "session", TestData.Now);
        await Tokens.AddTokenAsync(token);

        Assert.Equal(token, await Tokens.FindTokenAsync(token.Hash));
        Assert.True(await Tokens.DeleteTokenAsync(token.Hash));
        Assert.Null(await Tokens.FindTokenAsync(token.Hash));
        Assert.False(await Tokens.DeleteTokenAsync(token.Hash));
    }

    [Fact]
    public async Task DeleteUserTokens_OfOneKind_ReturnsTheirHashes_AndKeepsTheOthers()
    {
        var user = TestData.Unique("u");
        var s1 = new TokenRecord(TestData.Unique("h"), user, "session", TestData.Now);
        var s2 = new TokenRecord(TestData.Unique("h"), user, "session", TestData.Now);
        var bot = new TokenRecord(TestData.Unique("h"), user, "bot", TestData.Now);
        var otherUser = new TokenRecord(TestData.Unique("h"), TestData.Unique("u"), "session", TestData.Now);
        foreach (var token in new[] { s1, s2, bot, otherUser })
        {
            await Tokens.AddTokenAsync(token);
        }

        var deleted = await Tokens.DeleteUserTokensAsync(user, "session");

        Assert.Equal(new[] { s1.Hash, s2.Hash }.Order(StringComparer.Ordinal), deleted.Order(StringComparer.Ordinal));
        Assert.Null(await Tokens.FindTokenAsync(s1.Hash));
        Assert.NotNull(await Tokens.FindTokenAsync(bot.Hash));
        Assert.NotNull(await Tokens.FindTokenAsync(otherUser.Hash));

        Assert.Equal([bot.Hash], await Tokens.DeleteUserTokensAsync(user, null));
        Assert.Null(await Tokens.FindTokenAsync(bot.Hash));
        Assert.Empty(await Tokens.DeleteUserTokensAsync(user, null));
    }

    // ------------------------------------------------------------------ conversations

    [Fact]
    public async Task CreateConversation_DmWithExistingKey_ReturnsTheExistingId_AndInsertsNothing()
    {
        var (a, b) = (TestData.Unique("a"), TestData.Unique("b"));
        var dmKey = $"{a}|{b}";
        var first = new ConversationRecord(TestData.Unique("c"), "dm", null, null, dmKey, TestData.Now);
        var second = first with { Id = TestData.Unique("c") };

        Assert.Equal(first.Id, await Conversations.CreateConversationAsync(first, [a, b]));
        Assert.Equal(first.Id, await Conversations.CreateConversationAsync(second, [a, b, "intruder"]));

        Assert.Equal(first, await Conversations.GetConversationAsync(first.Id));
        Assert.Null(await Conversations.GetConversationAsync(second.Id));
        Assert.Equal(first.Id, await Conversations.FindDmAsync(dmKey));
        Assert.Null(await Conversations.FindDmAsync(dmKey + "x"));
        Assert.Equal([a, b], await Conversations.GetMembersAsync(first.Id));
    }

    [Fact]
    public async Task CreateConversation_TwoConcurrentDmCreates_YieldOneConversation()
    {
        for (var round = 0; round < 5; round++)
        {
            var (a, b) = (TestData.Unique("a"), TestData.Unique("b"));
            var dmKey = $"{a}|{b}";
            var creates = Enumerable.Range(0, 2)
                .Select(_ => new ConversationRecord(TestData.Unique("c"), "dm", null, null, dmKey, TestData.Now))
                .Select(c => Task.Run(() => Conversations.CreateConversationAsync(c, [a, b])))
                .ToArray();

            var ids = await Task.WhenAll(creates);

            Assert.Equal(ids[0], ids[1]);
            Assert.Equal(ids[0], await Conversations.FindDmAsync(dmKey));
            Assert.Equal(1L, Convert.ToInt64(await fixture.ScalarAsync($"SELECT COUNT(*) FROM conversations WHERE dm_key = '{dmKey}'"), CultureInfo.InvariantCulture));
            Assert.Equal([a, b], await Conversations.GetMembersAsync(ids[0]));
        }
    }

    [Fact]
    public async Task Members_AddRemoveAndList_InJoinOrder()
    {
        var (owner, m1, m2, m3) = (TestData.Unique("o"), TestData.Unique("m"), TestData.Unique("m"), TestData.Unique("m"));
        var group = new ConversationRecord(TestData.Unique("g"), "group", "Team", owner, null, TestData.Now);
        Assert.Equal(group.Id, await Conversations.CreateConversationAsync(group, [owner, m2, m1]));

        Assert.True(await Conversations.AddMemberAsync(group.Id, m3, TestData.Now.AddSeconds(1)));
        Assert.False(await Conversations.AddMemberAsync(group.Id, m3, TestData.Now.AddSeconds(2)));
        Assert.Equal([owner, m2, m1, m3], await Conversations.GetMembersAsync(group.Id));

        Assert.True(await Conversations.RemoveMemberAsync(group.Id, m2));
        Assert.False(await Conversations.RemoveMemberAsync(group.Id, m2));
        Assert.Equal([owner, m1, m3], await Conversations.GetMembersAsync(group.Id));
        Assert.Equal(group, await Conversations.GetConversationAsync(group.Id));
    }

    [Fact]
    public async Task SetOwner_ChangesOnlyTheOwner()
    {
        var group = new ConversationRecord(TestData.Unique("g"), "group", "Team", "first-owner", null, TestData.Now);
        await Conversations.CreateConversationAsync(group, ["first-owner", "heir"]);

        await Conversations.SetOwnerAsync(group.Id, "heir");
        Assert.Equal(group with { OwnerId = "heir" }, await Conversations.GetConversationAsync(group.Id));

        await Conversations.SetOwnerAsync(group.Id, null);
        Assert.Equal(group with { OwnerId = null }, await Conversations.GetConversationAsync(group.Id));
    }

    [Fact]
    public async Task ListConversationIdsAndPeers_CoverEveryConversationOfTheUser()
    {
        var (me, x, y, z, stranger) = (TestData.Unique("me"), TestData.Unique("x"), TestData.Unique("y"), TestData.Unique("z"), TestData.Unique("s"));
        var dm = new ConversationRecord(TestData.Unique("c"), "dm", null, null, $"{me}|{x}", TestData.Now);
        var group = new ConversationRecord(TestData.Unique("g"), "group", "G", me, null, TestData.Now.AddSeconds(1));
        var notMine = new ConversationRecord(TestData.Unique("g"), "group", "H", y, null, TestData.Now);
        await Conversations.CreateConversationAsync(dm, [me, x]);
        await Conversations.CreateConversationAsync(group, [me, x, y, z]);
        await Conversations.CreateConversationAsync(notMine, [y, stranger]);

        Assert.Equal(new[] { dm.Id, group.Id }.Order(StringComparer.Ordinal), (await Conversations.ListConversationIdsAsync(me)).Order(StringComparer.Ordinal));
        Assert.Equal(new[] { x, y, z }.Order(StringComparer.Ordinal), (await Conversations.ListConversationPeersAsync(me)).Order(StringComparer.Ordinal));
        Assert.Empty(await Conversations.ListConversationPeersAsync(TestData.Unique("nobody")));
    }

    // ------------------------------------------------------------------ messages

    [Fact]
    public async Task ListMessages_WithLimitBeforeAndAfter_ReturnsExactlyThePage_NewestFirst()
    {
        var (room, sender, prefix) = await SeedRoomAsync(10);
        string Id(int n) => TestData.MessageId(prefix, n);

        Assert.Equal([Id(9), Id(8), Id(7)], await ListIdsAsync(room, 3, null, null, sender));
        Assert.Equal([Id(4), Id(3), Id(2)], await ListIdsAsync(room, 3, Id(5), null, sender));
        Assert.Equal([Id(1), Id(0)], await ListIdsAsync(room, 3, Id(2), null, sender));
        Assert.Equal([Id(8), Id(7), Id(6)], await ListIdsAsync(room, 3, null, Id(5), sender));
        Assert.Equal([Id(9)], await ListIdsAsync(room, 3, null, Id(8), sender));
        Assert.Empty(await ListIdsAsync(room, 3, null, Id(9), sender));
        Assert.Equal([Id(5), Id(4), Id(3)], await ListIdsAsync(room, 10, Id(6), Id(2), sender));
        Assert.Equal([Id(4), Id(3)], await ListIdsAsync(room, 2, Id(6), Id(2), sender));
        Assert.Equal(Enumerable.Range(0, 10).Reverse().Select(Id), await ListIdsAsync(room, 50, null, null, sender));
        Assert.Empty(await ListIdsAsync(room, 0, null, null, sender));
    }

    [Fact]
    public async Task ListMessages_JoinsTheSendersCurrentProfile()
    {
        var sender = TestData.User(TestData.Unique("u"), null, isBot: true);
        await Users.CreateUserAsync(sender, null);
        var room = TestData.Unique("r");
        var message = TestData.Message(TestData.Unique("m"), room, sender.Id) with
        {
            PanelId = "p1",
            Bold = true,
            Italic = true,
            Mentions = ["u1", "u2"],
            ReplyToId = "m0",
            IsSystem = true,
        };
        await Writer.SubmitAsync(new InsertMessageOp(message, null));

        var stored = Assert.Single(await Messages.ListMessagesAsync(room, 10, null, null, sender.Id));

        Assert.Equal(new SenderRecord(sender.Id, sender.Name, true, sender.AvatarUrl), stored.Sender);
        Assert.Equal(message.Mentions, stored.Message.Mentions);
        Assert.Equal(message with { Mentions = stored.Message.Mentions }, stored.Message);
        Assert.Empty(stored.Reactions);
        var single = (await Messages.GetMessageAsync(message.Id))?.Message;
        Assert.Equal(message.Mentions, single?.Mentions);
        Assert.Equal(message with { Mentions = single!.Mentions }, single);
    }

    [Fact]
    public async Task ListMessages_IncludesAPrivateMessageOnlyForItsVisibleToUserAndItsSender()
    {
        var room = TestData.Unique("r");
        var prefix = TestData.Unique("m");
        string Id(int n) => TestData.MessageId(prefix, n);
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(Id(1), room, "alice"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(Id(2), room, "bot", visibleTo: "bob"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(Id(3), room, "alice"), null));

        Assert.Equal([Id(3), Id(2), Id(1)], await ListIdsAsync(room, 10, null, null, "bob"));
        Assert.Equal([Id(3), Id(2), Id(1)], await ListIdsAsync(room, 10, null, null, "bot"));
        Assert.Equal([Id(3), Id(1)], await ListIdsAsync(room, 10, null, null, "carol"));
        Assert.Equal([Id(3), Id(1)], await ListIdsAsync(room, 10, null, null, "alice"));
        Assert.Equal("bob", (await Messages.GetMessageAsync(Id(2)))?.Message.VisibleTo);

        // Unread counts skip the viewer's own messages and those only someone else may see.
        Assert.Equal(2, await Messages.CountMessagesAfterAsync(room, null, "bot")); // 1 and 3: its own 2 is not unread
        Assert.Equal(3, await Messages.CountMessagesAfterAsync(room, null, "bob"));
        Assert.Equal(2, await Messages.CountMessagesAfterAsync(room, null, "carol"));
        Assert.Equal(0, await Messages.CountMessagesAfterAsync(room, null, "alice"));
    }

    [Fact]
    public async Task ListMessages_PagesAroundPrivateMessages_CountingOnlyWhatTheViewerSees()
    {
        // 0..9, where 2, 4, 5 and 8 are private to bob (sent by the bot): carol sees 0 1 3 6 7 9.
        var room = TestData.Unique("r");
        var prefix = TestData.Unique("m");
        string Id(int n) => TestData.MessageId(prefix, n);
        int[] privateOnes = [2, 4, 5, 8];
        for (var n = 0; n < 10; n++)
        {
            var message = privateOnes.Contains(n)
                ? TestData.Message(Id(n), room, "bot", visibleTo: "bob")
                : TestData.Message(Id(n), room, "alice");
            await Writer.SubmitAsync(new InsertMessageOp(message, null));
        }

        // A bystander: every page is full (a filter after the query would return short pages).
        Assert.Equal([Id(9), Id(7), Id(6)], await ListIdsAsync(room, 3, null, null, "carol"));
        Assert.Equal([Id(3), Id(1), Id(0)], await ListIdsAsync(room, 3, Id(6), null, "carol"));
        Assert.Equal([Id(7), Id(6), Id(3)], await ListIdsAsync(room, 3, null, Id(1), "carol"));
        Assert.Equal([Id(7), Id(6)], await ListIdsAsync(room, 10, Id(8), Id(4), "carol"));
        Assert.Equal([Id(9)], await ListIdsAsync(room, 3, null, Id(7), "carol"));

        // The target and the sender see the private ones in the same pages.
        Assert.Equal([Id(9), Id(8), Id(7)], await ListIdsAsync(room, 3, null, null, "bob"));
        Assert.Equal([Id(5), Id(4), Id(3)], await ListIdsAsync(room, 3, Id(6), null, "bob"));
        Assert.Equal([Id(4), Id(3), Id(2)], await ListIdsAsync(room, 3, null, Id(1), "bot"));
        Assert.Equal([Id(8), Id(7), Id(6), Id(5)], await ListIdsAsync(room, 10, Id(9), Id(4), "bot"));
    }

    [Fact]
    public async Task GetLastMessageIds_NewestPublic_SkipsPrivateMessages()
    {
        var room = TestData.Unique("r");
        var onlyPrivate = TestData.Unique("r");
        var prefix = TestData.Unique("m");
        string Id(int n) => TestData.MessageId(prefix, n);
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(Id(1), room, "alice"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(Id(2), room, "bot", visibleTo: "alice"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(Id(3), onlyPrivate, "bot", visibleTo: "alice"), null));

        var last = await Messages.GetLastMessageIdsAsync([room, onlyPrivate]);

        Assert.Equal(Id(2), last[room].Newest);
        Assert.Equal(Id(3), last[onlyPrivate].Newest);
        Assert.Equal(Id(1), last[room].NewestPublic);
        Assert.Null(last[onlyPrivate].NewestPublic);
    }

    [Fact]
    public async Task CountUnread_CountsPerRoomInOneQuery_FromEachReadMarker_SkippingOwnDeletedAndOthersPrivateMessages()
    {
        var roomA = TestData.Unique("r");
        var roomB = TestData.Unique("r");
        var roomC = TestData.Unique("r");
        var prefix = TestData.Unique("m");
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 1), roomA, "alice"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 2), roomA, "alice"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 3), roomA, "bob"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 4), roomA, "alice"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 5), roomA, "system", visibleTo: "carol"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 6), roomB, "alice"), null));
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 7), roomB, "alice"), null));
        await Writer.SubmitAsync(new DeleteMessageOp(TestData.MessageId(prefix, 7), TestData.Now));
        await Writer.SubmitAsync(new SetReadMarkerOp(roomA, "bob", TestData.MessageId(prefix, 2)));

        var bob = await Messages.CountUnreadAsync("bob", [roomA, roomB, roomC]);

        // roomA: after bob's marker (2) come 3 (his own), 4 (counted) and 5 (carol's private): 1. roomB: no marker, one
        // live message of alice (7 is deleted): 1. roomC: nothing.
        Assert.Equal(1, bob[roomA]);
        Assert.Equal(1, bob[roomB]);
        Assert.False(bob.ContainsKey(roomC));
        Assert.Equal(await Messages.CountMessagesAfterAsync(roomA, TestData.MessageId(prefix, 2), "bob"), bob[roomA]);
        Assert.Equal(5, (await Messages.CountUnreadAsync("carol", [roomA]))[roomA]); // 1-4, and 5 which only she may see
        Assert.Equal(4, (await Messages.CountUnreadAsync("system", [roomA]))[roomA]); // the private message's sender: 1-4
        Assert.Empty(await Messages.CountUnreadAsync("bob", []));
    }

    [Fact]
    public async Task DeletedMessages_AreExcludedFromEveryRead()
    {
        var (room, sender, prefix) = await SeedRoomAsync(3);
        var last = TestData.MessageId(prefix, 2);

        await Writer.SubmitAsync(new DeleteMessageOp(last, TestData.Now));

        Assert.Null(await Messages.GetMessageAsync(last));
        Assert.Equal([TestData.MessageId(prefix, 1), TestData.MessageId(prefix, 0)], await ListIdsAsync(room, 10, null, null, sender));
        Assert.Equal(TestData.MessageId(prefix, 1), (await Messages.GetLastMessageIdsAsync([room]))[room].Newest);
        Assert.Equal(2, await Messages.CountMessagesAfterAsync(room, null, "someone-else"));
        Assert.NotNull(await fixture.ScalarAsync($"SELECT deleted_at FROM messages WHERE id = '{last}'"));
    }

    [Fact]
    public async Task EditMessage_SetsTextAndEditedAt()
    {
        var (_, _, prefix) = await SeedRoomAsync(1);
        var id = TestData.MessageId(prefix, 0);
        var editedAt = TestData.Now.AddMinutes(3);

        await Writer.SubmitAsync(new EditMessageOp(id, "edited text", editedAt));

        var message = (await Messages.GetMessageAsync(id))?.Message;
        Assert.Equal("edited text", message?.Text);
        Assert.Equal(editedAt, message?.EditedAt);
    }

    [Fact]
    public async Task Reactions_AddedTwiceCountOnce_ListInInsertionOrder_AndRemove()
    {
        var (room, sender, prefix) = await SeedRoomAsync(2);
        var (m0, m1) = (TestData.MessageId(prefix, 0), TestData.MessageId(prefix, 1));
        var at = TestData.Now;

        await Task.WhenAll(
            Writer.SubmitAsync(new AddReactionOp(m0, "👍", "bob", at)),
            Writer.SubmitAsync(new AddReactionOp(m0, "👍", "bob", at.AddSeconds(5))),
            Writer.SubmitAsync(new AddReactionOp(m0, "🎉", "carol", at)),
            Writer.SubmitAsync(new AddReactionOp(m0, "👍", "carol", at.AddSeconds(1))),
            Writer.SubmitAsync(new AddReactionOp(m1, "❤️", "bob", at)));

        var page = await Messages.ListMessagesAsync(room, 10, null, null, sender);
        Assert.Equal(
            [new ReactionRecord("👍", "bob", at), new ReactionRecord("🎉", "carol", at), new ReactionRecord("👍", "carol", at.AddSeconds(1))],
            page.Single(m => m.Message.Id == m0).Reactions);
        Assert.Equal([new ReactionRecord("❤️", "bob", at)], page.Single(m => m.Message.Id == m1).Reactions);

        await Writer.SubmitAsync(new RemoveReactionOp(m0, "👍", "bob"));
        await Writer.SubmitAsync(new RemoveReactionOp(m0, "👍", "nobody"));

        Assert.Equal(
            [new ReactionRecord("🎉", "carol", at), new ReactionRecord("👍", "carol", at.AddSeconds(1))],
            (await Messages.GetMessageAsync(m0))?.Reactions);
    }

    [Fact]
    public async Task GetLastMessageIds_ReturnsTheNewestPerRoom_AndOmitsRoomsWithoutMessages()
    {
        var (room1, _, prefix1) = await SeedRoomAsync(3);
        var (room2, _, prefix2) = await SeedRoomAsync(1);
        var empty = TestData.Unique("r");

        var last = await Messages.GetLastMessageIdsAsync([room1, room2, empty]);

        Assert.Equal(2, last.Count);
        Assert.Equal(TestData.MessageId(prefix1, 2), last[room1].Newest);
        Assert.Equal(TestData.MessageId(prefix2, 0), last[room2].Newest);
        Assert.Empty(await Messages.GetLastMessageIdsAsync([]));
    }

    [Fact]
    public async Task IdempotencyKey_IsFoundOnlyWhenRecordedAfterNotBefore()
    {
        var sender = TestData.Unique("u");
        var room = TestData.Unique("r");
        var sentAt = TestData.Now;
        var message = TestData.Message(TestData.Unique("m"), room, sender, createdAt: sentAt);
        await Writer.SubmitAsync(new InsertMessageOp(message, "key-1", "hash-1"));

        Assert.Equal(new IdempotentSend(message.Id, "hash-1"), await Messages.FindIdempotentMessageAsync(sender, "key-1", sentAt.AddHours(-24)));
        Assert.Equal(message.Id, (await Messages.FindIdempotentMessageAsync(sender, "key-1", sentAt))?.MessageId);
        Assert.Null(await Messages.FindIdempotentMessageAsync(sender, "key-1", sentAt.AddMilliseconds(1)));
        Assert.Null(await Messages.FindIdempotentMessageAsync(sender, "key-2", sentAt.AddHours(-24)));
        Assert.Null(await Messages.FindIdempotentMessageAsync(TestData.Unique("other"), "key-1", sentAt.AddHours(-24)));

        // A repeat within 24 h keeps the first message and fingerprint; a reuse after 24 h records the new ones.
        var repeat = TestData.Message(TestData.Unique("m"), room, sender, createdAt: sentAt.AddHours(1));
        await Writer.SubmitAsync(new InsertMessageOp(repeat, "key-1", "hash-2"));
        Assert.Equal(new IdempotentSend(message.Id, "hash-1"), await Messages.FindIdempotentMessageAsync(sender, "key-1", sentAt.AddHours(-23)));
        var later = TestData.Message(TestData.Unique("m"), room, sender, createdAt: sentAt.AddHours(25));
        await Writer.SubmitAsync(new InsertMessageOp(later, "key-1", "hash-3"));
        Assert.Equal(new IdempotentSend(later.Id, "hash-3"), await Messages.FindIdempotentMessageAsync(sender, "key-1", sentAt.AddHours(1)));
    }

    [Fact]
    public async Task IdempotencyKey_RecordedWithoutAFingerprint_IsFoundWithANullOne()
    {
        var sender = TestData.Unique("u");
        var message = TestData.Message(TestData.Unique("m"), TestData.Unique("r"), sender, createdAt: TestData.Now);

        await Writer.SubmitAsync(new InsertMessageOp(message, "key-1"));

        Assert.Equal(new IdempotentSend(message.Id, null), await Messages.FindIdempotentMessageAsync(sender, "key-1", TestData.Now.AddHours(-1)));
    }

    [Fact]
    public async Task ReadMarker_NeverMovesBackwards_AndCountsWhatFollowsIt()
    {
        var (room, sender, prefix) = await SeedRoomAsync(6);
        var reader = TestData.Unique("reader");
        string Id(int n) => TestData.MessageId(prefix, n);
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(Id(6), room, reader), null));

        Assert.Null(await ReadMarkers.GetReadMarkerAsync(room, reader));
        Assert.Equal(6, await Messages.CountMessagesAfterAsync(room, null, reader));

        await Writer.SubmitAsync(new SetReadMarkerOp(room, reader, Id(3)));
        await Writer.SubmitAsync(new SetReadMarkerOp(room, reader, Id(1)));

        Assert.Equal(Id(3), await ReadMarkers.GetReadMarkerAsync(room, reader));
        Assert.Equal(2, await Messages.CountMessagesAfterAsync(room, Id(3), reader));
        Assert.Equal(1, await Messages.CountMessagesAfterAsync(room, Id(3), sender));

        await Writer.SubmitAsync(new SetReadMarkerOp(room, reader, Id(5)));
        Assert.Equal(Id(5), await ReadMarkers.GetReadMarkerAsync(room, reader));
        Assert.Equal(0, await Messages.CountMessagesAfterAsync(room, Id(5), reader));
        var markers = await ReadMarkers.GetReadMarkersAsync(reader, [room, TestData.Unique("r")]);
        Assert.Equal(new Dictionary<string, string> { [room] = Id(5) }, markers);
    }

    // ------------------------------------------------------------------ media

    [Fact]
    public async Task Media_RoundTripsTheBytes_AndPutReplaces()
    {
        var bytes = new byte[70_000];
        new Random(42).NextBytes(bytes);
        var media = new MediaRecord(TestData.Unique("f") + ".png", TestData.Unique("u"), "image/png", bytes, TestData.Now);

        await Media.PutAsync(media);
        var read = await Media.GetAsync(media.FileName);

        Assert.NotNull(read);
        Assert.Equal(bytes, read.Data);
        Assert.Equal(media with { Data = read.Data }, read);

        await Media.PutAsync(media with { Mime = "image/webp", Data = [1, 2, 3] });
        Assert.Equal(new byte[] { 1, 2, 3 }, (await Media.GetAsync(media.FileName))?.Data);
        Assert.Null(await Media.GetAsync("missing.png"));
    }

    // ------------------------------------------------------------------ grain state

    [Fact]
    public async Task GrainState_InsertUpdateConflictAndClear_FollowTheETags()
    {
        var key = TestData.Unique("k");
        const string type = "TestGrain";
        Assert.Null(await GrainStorage.ReadAsync(type, key, default));

        var e1 = await GrainStorage.WriteAsync(type, key, """{"n":1}""", null, default);
        Assert.Equal(new GrainStateRecord("""{"n":1}""", e1), await GrainStorage.ReadAsync(type, key, default));
        await Assert.ThrowsAsync<StateConflictException>(() => GrainStorage.WriteAsync(type, key, "{}", null, default));

        var e2 = await GrainStorage.WriteAsync(type, key, """{"n":2}""", e1, default);
        Assert.NotEqual(e1, e2);
        await Assert.ThrowsAsync<StateConflictException>(() => GrainStorage.WriteAsync(type, key, """{"n":3}""", e1, default));
        await Assert.ThrowsAsync<StateConflictException>(() => GrainStorage.WriteAsync(type, key, "{}", "not-an-etag", default));
        Assert.Equal(new GrainStateRecord("""{"n":2}""", e2), await GrainStorage.ReadAsync(type, key, default));

        await Assert.ThrowsAsync<StateConflictException>(() => GrainStorage.ClearAsync(type, key, e1, default));
        await Assert.ThrowsAsync<StateConflictException>(() => GrainStorage.ClearAsync(type, key, null, default));
        await GrainStorage.ClearAsync(type, key, e2, default);
        Assert.Null(await GrainStorage.ReadAsync(type, key, default));
        await GrainStorage.ClearAsync(type, key, null, default);
        await Assert.ThrowsAsync<StateConflictException>(() => GrainStorage.ClearAsync(type, key, e2, default));

        // A writer still holding an etag from before the clear fails; a new document never reuses an old etag.
        await Assert.ThrowsAsync<StateConflictException>(() => GrainStorage.WriteAsync(type, key, "{}", e2, default));
        var e3 = await GrainStorage.WriteAsync(type, key, """{"n":4}""", null, default);
        Assert.DoesNotContain(e3, new[] { e1, e2 });
        Assert.Equal(new GrainStateRecord("""{"n":4}""", e3), await GrainStorage.ReadAsync(type, key, default));
        Assert.Null(await GrainStorage.ReadAsync("OtherGrain", key, default));
    }

    [Fact]
    public async Task GrainState_ConcurrentWritersWithTheSameETag_OnlyOneWins()
    {
        var key = TestData.Unique("k");
        var e1 = await GrainStorage.WriteAsync("TestGrain", key, "{}", null, default);

        var attempts = Enumerable.Range(0, 8)
            .Select(i => Task.Run(() => GrainStorage.WriteAsync("TestGrain", key, $$"""{"w":{{i}}}""", e1, default)))
            .ToArray();
        await Task.WhenAll(attempts).ContinueWith(_ => { }, TaskScheduler.Default);

        Assert.Equal(1, attempts.Count(t => t.IsCompletedSuccessfully));
        Assert.All(attempts.Where(t => !t.IsCompletedSuccessfully), t => Assert.IsType<StateConflictException>(t.Exception?.InnerException));
    }

    // ------------------------------------------------------------------ durable writer

    [Fact]
    public async Task Writer_RunsAfterCommitCallbacksInSubmissionOrder_BeforeCompletingTheTasks()
    {
        var room = TestData.Unique("r");
        var prefix = TestData.Unique("m");
        var callbacks = new ConcurrentQueue<int>();
        var callbackSeenAtCompletion = new ConcurrentQueue<bool>();
        var tasks = new List<Task>();
        for (var i = 0; i < 50; i++)
        {
            var n = i;
            var task = Writer.SubmitAsync(
                new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, n), room, "alice"), null),
                () => callbacks.Enqueue(n));
            tasks.Add(task.ContinueWith(_ => callbackSeenAtCompletion.Enqueue(callbacks.Contains(n)), TaskScheduler.Default));
        }

        await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(0, 50), callbacks);
        Assert.Equal(50, callbackSeenAtCompletion.Count);
        Assert.All(callbackSeenAtCompletion, Assert.True);
        Assert.Equal(50, (await Messages.ListMessagesAsync(room, 100, null, null, "alice")).Count);
    }

    [Fact]
    public async Task Writer_ACallbackThatThrows_DoesNotStopTheWriter()
    {
        var room = TestData.Unique("r");
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.Unique("m"), room, "a"), null), () => throw new InvalidOperationException("boom"));
        var ran = false;
        await Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.Unique("m"), room, "a"), null), () => ran = true);

        Assert.True(ran);
        Assert.Equal(2, (await Messages.ListMessagesAsync(room, 10, null, null, "a")).Count);
    }

    [Fact]
    public async Task Writer_ABadWriteInABatch_FaultsOnlyItsCaller_WhileTheOthersCommit()
    {
        var room = TestData.Unique("r");
        var prefix = TestData.Unique("m");
        var existing = TestData.Message(TestData.MessageId(prefix, 0), room, "alice");
        await Writer.SubmitAsync(new InsertMessageOp(existing, null));

        // A long window so that the three writes certainly share one batch.
        await using var writer = new BatchingDurableWriter(fixture.Dialect, Options.Create(new StorageOptions { BatchWindowMs = 300, MaxBatchSize = 256 }));
        var callbacks = new ConcurrentQueue<string>();
        var good1 = writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 1), room, "alice"), null), () => callbacks.Enqueue("good1"));
        var bad = writer.SubmitAsync(new InsertMessageOp(existing with { Text = "duplicate id" }, null), () => callbacks.Enqueue("bad"));
        var good2 = writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 2), room, "alice"), null), () => callbacks.Enqueue("good2"));

        await good1;
        await good2;
        var error = await Assert.ThrowsAnyAsync<DbException>(() => bad);

        Assert.True(fixture.Dialect.IsUniqueViolation(error), error.Message);
        Assert.Equal(["good1", "good2"], callbacks);
        Assert.Equal(1, writer.BatchesRetried);
        Assert.Equal(0, writer.BatchesCommitted);
        Assert.Equal(2, writer.WritesCommitted);
        Assert.Equal(1, writer.WritesFailed);
        Assert.Equal([TestData.MessageId(prefix, 2), TestData.MessageId(prefix, 1), TestData.MessageId(prefix, 0)], await ListIdsAsync(room, 10, null, null, "alice"));
        Assert.Equal("hello", (await Messages.GetMessageAsync(existing.Id))?.Message.Text);
    }

    [Fact]
    public async Task Writer_AThousandConcurrentWrites_AreAllDurable_InFarFewerTransactions()
    {
        const int count = 1000;
        var room = TestData.Unique("r");
        var prefix = TestData.Unique("m");
        var writer = fixture.Writer;
        var transactionsBefore = writer.TransactionsCommitted;

        var tasks = Enumerable.Range(0, count)
            .Select(i => Task.Run(() => writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, i), room, "alice"), $"key-{prefix}-{i}"))))
            .ToArray();
        await Task.WhenAll(tasks);

        var transactions = writer.TransactionsCommitted - transactionsBefore;
        var stored = await Messages.ListMessagesAsync(room, count + 10, null, null, "alice");
        Assert.Equal(Enumerable.Range(0, count).Reverse().Select(i => TestData.MessageId(prefix, i)), stored.Select(m => m.Message.Id));
        Assert.Equal(TestData.MessageId(prefix, 500), (await Messages.FindIdempotentMessageAsync("alice", $"key-{prefix}-500", TestData.Now.AddHours(-1)))?.MessageId);
        Assert.True(transactions <= count / 10, $"{count} writes took {transactions} transactions; expected them batched (at most {count / 10}).");
    }

    [Fact]
    public async Task Writer_WithOneCommandPerStatement_WritesTheSameAsWithADbBatch()
    {
        var room = TestData.Unique("r");
        var prefix = TestData.Unique("m");
        await using var writer = new BatchingDurableWriter(fixture.Dialect, Options.Create(new StorageOptions { BatchWindowMs = 20 })) { AllowDbBatch = false };

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, i), room, "alice"), $"{prefix}-{i}"))));
        await writer.SubmitAsync(new AddReactionOp(TestData.MessageId(prefix, 3), "👍", "bob", TestData.Now));

        Assert.Equal(Enumerable.Range(0, 20).Reverse().Select(i => TestData.MessageId(prefix, i)), await ListIdsAsync(room, 50, null, null, "bob"));
        Assert.Equal(TestData.MessageId(prefix, 7), (await Messages.FindIdempotentMessageAsync("alice", $"{prefix}-7", TestData.Now))?.MessageId);
        Assert.Single((await Messages.GetMessageAsync(TestData.MessageId(prefix, 3)))!.Reactions);
        Assert.True(writer.TransactionsCommitted < 20);
    }

    [Fact]
    public async Task Writer_Stop_WritesEverythingQueued_ThenRefusesNewWrites()
    {
        var room = TestData.Unique("r");
        var prefix = TestData.Unique("m");
        var writer = new BatchingDurableWriter(fixture.Dialect, Options.Create(new StorageOptions { BatchWindowMs = 50, MaxBatchSize = 7 }));
        var tasks = Enumerable.Range(0, 40)
            .Select(i => writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, i), room, "alice"), null)))
            .ToArray();

        await writer.StopAsync(CancellationToken.None);

        Assert.All(tasks, t => Assert.True(t.IsCompletedSuccessfully));
        Assert.Equal(40, (await Messages.ListMessagesAsync(room, 100, null, null, "alice")).Count);
        await Assert.ThrowsAsync<ObjectDisposedException>(
            () => writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, 99), room, "alice"), null)));
        await writer.DisposeAsync();
    }

    // ------------------------------------------------------------------ silos

    [Fact]
    public async Task RegisterSilo_GivesDistinctNumbers_AndReusesOnlyTheNumbersOfDeadSilos()
    {
        var numbers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => Health.RegisterSiloAsync($"10.0.0.{i}:5000"))));
        Assert.Equal(6, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.InRange(n, 0, 1023));

        // Eleven minutes later only the last silo has kept its heartbeat: a new silo takes a dead one's number.
        fixture.Time.Advance(TimeSpan.FromMinutes(11));
        var alive = numbers[^1];
        await Health.HeartbeatSiloAsync(alive);
        var next = await Health.RegisterSiloAsync("10.0.0.99:5000");

        Assert.NotEqual(alive, next);
        Assert.Contains(next, numbers);
        Assert.Equal(numbers.Where(n => n != alive).Min(), next);
    }

    // ------------------------------------------------------------------ helpers

    private async Task<(string Room, string Sender, string Prefix)> SeedRoomAsync(int count)
    {
        var room = TestData.Unique("r");
        var sender = TestData.Unique("s");
        var prefix = TestData.Unique("m");
        await Task.WhenAll(Enumerable.Range(0, count).Select(i =>
            Writer.SubmitAsync(new InsertMessageOp(TestData.Message(TestData.MessageId(prefix, i), room, sender, text: $"message {i}"), null))));
        return (room, sender, prefix);
    }

    private async Task<List<string>> ListIdsAsync(string room, int limit, string? before, string? after, string viewer) =>
        (await Messages.ListMessagesAsync(room, limit, before, after, viewer)).Select(m => m.Message.Id).ToList();

    /// <summary>Compares users by value, lists included (records compare lists by reference).</summary>
    private sealed class UserComparer : IEqualityComparer<UserRecord?>
    {
        public bool Equals(UserRecord? x, UserRecord? y) =>
            x is not null && y is not null
            && x.RedirectUris.SequenceEqual(y.RedirectUris)
            && x == y with { RedirectUris = x.RedirectUris };

        public int GetHashCode(UserRecord? obj) => obj?.Id.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
