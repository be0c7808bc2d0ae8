namespace Circul.Silo.Tests;

/// <summary>API.md section 5 for DMs and groups: send, list, edit, delete.</summary>
public sealed class MessagesTests(SqliteSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<SqliteSiloFixture>
{
    [Fact]
    public async Task SendMessage_Returns201WithTheFullMessageObject()
    {
        var world = await NewBotsInDmAsync();

        var response = await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "hello there", bold = true });

        var message = response.Expect(HttpStatusCode.Created).Json;
        ContractShapes.AssertMessage(message);
        Assert.Equal(world.DmId, message.Str("conv_id"));
        Assert.Equal(world.A.Id, message.Str("sender_id"));
        Assert.Equal(world.A.Name, message.Prop("sender").Str("name"));
        Assert.True(message.Prop("sender").Bool("is_bot"));
        Assert.Equal("hello there", message.Str("text"));
        Assert.True(message.Bool("bold"));
        Assert.False(message.Bool("italic"));
        Assert.Empty(message.Items("mentions"));
        Assert.Null(message.NullableStr("reply_to_id"));
        Assert.Empty(message.Items("reactions"));
        Assert.Null(message.NullableStr("edited_at"));
        var listed = Assert.Single(await ListAsync(world.B, world.DmId));
        Assert.Equal(message.Str("id"), listed.Str("id"));
        Assert.Equal("hello there", listed.Str("text"));
    }

    [Fact]
    public async Task SendMessage_IdsSortOrdinallyInTheOrderTheServerAcceptedThem()
    {
        var world = await NewBotsInDmAsync();
        var ids = new List<string>();

        for (var i = 0; i < 12; i++)
        {
            ids.Add((await SendAsync(i % 2 == 0 ? world.A : world.B, world.DmId, $"m{i}")).Str("id"));
        }

        Assert.Equal(ids, ids.Order(StringComparer.Ordinal));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public async Task SendMessage_TrimsTheText()
    {
        var world = await NewBotsInDmAsync();

        var message = await SendAsync(world.A, world.DmId, "  \n padded text \t ");

        Assert.Equal("padded text", message.Str("text"));
    }

    [Fact]
    public async Task SendMessage_With4000CharactersAfterTrimming_IsAccepted()
    {
        var world = await NewBotsInDmAsync();
        var text = new string('x', 4000);

        var message = await SendAsync(world.A, world.DmId, "   " + text + "   ");

        Assert.Equal(text, message.Str("text"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t ")]
    public async Task SendMessage_WithEmptyOrWhitespaceText_Returns400NamingTextAndWritesNothing(string text)
    {
        var world = await NewBotsInDmAsync();

        var response = await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text });

        Assert.Contains("text", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Fact]
    public async Task SendMessage_With4001Characters_Returns400AndWritesNothing()
    {
        var world = await NewBotsInDmAsync();

        var response = await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = new string('x', 4001) });

        response.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Fact]
    public async Task SendMessage_WithItalic_KeepsTheFlag()
    {
        var world = await NewBotsInDmAsync();

        var message = (await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "slanted", italic = true })).Expect(HttpStatusCode.Created).Json;

        Assert.True(message.Bool("italic"));
        Assert.False(message.Bool("bold"));
    }

    [Fact]
    public async Task SendMessage_WithMoreThan50Mentions_Returns400AndWritesNothing()
    {
        var world = await NewBotsInDmAsync();
        var mentions = Enumerable.Repeat(world.B.Id, 51).ToArray();

        var response = await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "hey", mentions });

        Assert.Contains("mention", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Fact]
    public async Task SendMessage_MentioningAMember_KeepsIt_AndDropsUsersWhoCannotSeeTheRoom()
    {
        var world = await NewBotsInDmAsync();
        var stranger = await NewStrangerAsync();

        var response = await world.A.PostAsync($"/api/conversations/{world.DmId}/messages",
            new { text = "hey", mentions = new[] { world.B.Id, world.Owner.Id, stranger.Bot.Id, "bot-doesnotexist" } });

        var message = response.Expect(HttpStatusCode.Created).Json;
        Assert.Equal(new[] { world.B.Id }, message.Strings("mentions"));
    }

    [Fact]
    public async Task SendMessage_WithAMentionMarkupInText_AddsThatUserToMentions()
    {
        var world = await NewBotsInDmAsync();

        var message = await SendAsync(world.A, world.DmId, $"ping <@{world.B.Id}> please");

        Assert.Equal(new[] { world.B.Id }, message.Strings("mentions"));
        Assert.Equal($"ping <@{world.B.Id}> please", message.Str("text"));
    }

    [Fact]
    public async Task SendMessage_ReplyingToAMessageOfTheSameRoom_KeepsReplyToId()
    {
        var world = await NewBotsInDmAsync();
        var original = await SendAsync(world.A, world.DmId, "question?");

        var reply = (await world.B.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "answer", reply_to_id = original.Str("id") }))
            .Expect(HttpStatusCode.Created).Json;

        Assert.Equal(original.Str("id"), reply.NullableStr("reply_to_id"));
    }

    [Fact]
    public async Task SendMessage_ReplyingToAMessageOfAnotherRoom_Returns400AndWritesNothing()
    {
        var world = await NewBotsInDmAsync();
        var elsewhere = await SendAsync(world.A, world.GroupId, "in the group");

        var response = await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "reply", reply_to_id = elsewhere.Str("id") });
        var unknown = await world.A.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "reply", reply_to_id = "msg-doesnotexist" });

        Assert.Contains("reply_to_id", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.OrdinalIgnoreCase);
        unknown.ExpectError(HttpStatusCode.BadRequest);
        Assert.Empty(await ListAsync(world.A, world.DmId));
    }

    [Fact]
    public async Task SendMessage_RetriedWithTheSameIdempotencyKey_ReturnsTheFirstMessageAndStoresOne()
    {
        var world = await NewBotsInDmAsync();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var path = $"/api/conversations/{world.DmId}/messages";

        var first = (await world.A.PostAsync(path, new { text = "exactly once" }, headers)).Expect(HttpStatusCode.Created).Json;
        var retry = (await world.A.PostAsync(path, new { text = "exactly once" }, headers)).ExpectOneOf(HttpStatusCode.Created, HttpStatusCode.OK).Json;

        Assert.Equal(first.Str("id"), retry.Str("id"));
        Assert.Equal(new[] { first.Str("id") }, await ListIdsAsync(world.B, world.DmId));
    }

    [Fact]
    public async Task SendMessage_WithDifferentIdempotencyKeys_StoresBoth()
    {
        var world = await NewBotsInDmAsync();
        var path = $"/api/conversations/{world.DmId}/messages";

        var first = (await world.A.PostAsync(path, new { text = "same text" }, new Dictionary<string, string> { ["Idempotency-Key"] = "k1-" + Guid.NewGuid() })).Expect(HttpStatusCode.Created).Json;
        var second = (await world.A.PostAsync(path, new { text = "same text" }, new Dictionary<string, string> { ["Idempotency-Key"] = "k2-" + Guid.NewGuid() })).Expect(HttpStatusCode.Created).Json;

        Assert.NotEqual(first.Str("id"), second.Str("id"));
        Assert.Equal(2, (await ListAsync(world.A, world.DmId)).Length);
    }

    [Fact]
    public async Task SendMessage_TheSameIdempotencyKeyFromAnotherSender_IsAnotherMessage()
    {
        var world = await NewBotsInDmAsync();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var path = $"/api/conversations/{world.DmId}/messages";

        var fromA = (await world.A.PostAsync(path, new { text = "a" }, headers)).Expect(HttpStatusCode.Created).Json;
        var fromB = (await world.B.PostAsync(path, new { text = "b" }, headers)).Expect(HttpStatusCode.Created).Json;

        Assert.NotEqual(fromA.Str("id"), fromB.Str("id"));
        Assert.Equal(world.B.Id, fromB.Str("sender_id"));
    }

    [Fact]
    public async Task ListMessages_PagesNewestFirstWithLimitBeforeAndAfterExclusive()
    {
        var world = await NewBotsInDmAsync();
        var m = new List<string>();
        for (var i = 1; i <= 7; i++)
        {
            m.Add((await SendAsync(world.A, world.DmId, $"m{i}")).Str("id"));
        }

        string[] Ids(params int[] numbers) => numbers.Select(n => m[n - 1]).ToArray();

        Assert.Equal(Ids(7, 6, 5, 4, 3, 2, 1), await ListIdsAsync(world.B, world.DmId));
        Assert.Equal(Ids(7, 6, 5), await ListIdsAsync(world.B, world.DmId, "?limit=3"));
        Assert.Equal(Ids(4, 3), await ListIdsAsync(world.B, world.DmId, $"?limit=2&before={m[4]}"));
        Assert.Equal(Ids(4, 3, 2, 1), await ListIdsAsync(world.B, world.DmId, $"?before={m[4]}"));
        Assert.Equal(Ids(4, 3), await ListIdsAsync(world.B, world.DmId, $"?limit=2&after={m[1]}"));
        Assert.Equal(Ids(7, 6), await ListIdsAsync(world.B, world.DmId, $"?after={m[4]}"));
        Assert.Empty(await ListIdsAsync(world.B, world.DmId, $"?before={m[0]}"));
        Assert.Empty(await ListIdsAsync(world.B, world.DmId, $"?after={m[6]}"));
        Assert.Equal(Ids(7), await ListIdsAsync(world.B, world.DmId, "?limit=1"));
    }

    [Fact]
    public async Task ListMessages_WithoutLimit_Returns50_AndLimit100IsAccepted()
    {
        var world = await NewBotsInDmAsync();
        var ids = new List<string>();
        for (var i = 0; i < 52; i++)
        {
            ids.Add((await SendAsync(world.A, world.DmId, $"bulk {i}")).Str("id"));
        }

        var page = await ListIdsAsync(world.A, world.DmId);
        var all = await ListIdsAsync(world.A, world.DmId, "?limit=100");

        Assert.Equal(ids.AsEnumerable().Reverse().Take(50), page);
        Assert.Equal(52, all.Length);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("abc")]
    public async Task ListMessages_WithLimitOutside1To100_Returns400NamingLimit(string limit)
    {
        var world = await NewBotsInDmAsync();

        var response = await world.A.GetAsync($"/api/conversations/{world.DmId}/messages?limit={limit}");

        Assert.Contains("limit", response.ExpectError(HttpStatusCode.BadRequest), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task EditMessage_BySender_Returns200WithNewTextAndEditedAt()
    {
        var world = await NewBotsInDmAsync();
        var original = await SendAsync(world.A, world.DmId, "first draft");

        var response = await world.A.PatchAsync($"/api/messages/{original.Str("id")}", new { text = "  final  " });

        var edited = response.Expect(HttpStatusCode.OK).Json;
        ContractShapes.AssertMessage(edited);
        Assert.Equal(original.Str("id"), edited.Str("id"));
        Assert.Equal("final", edited.Str("text"));
        Assert.NotNull(edited.NullableStr("edited_at"));
        var listed = Assert.Single(await ListAsync(world.B, world.DmId));
        Assert.Equal("final", listed.Str("text"));
        Assert.NotNull(listed.NullableStr("edited_at"));
    }

    [Fact]
    public async Task EditMessage_ByAnotherMember_Returns403AndKeepsTheText()
    {
        var world = await NewBotsInDmAsync();
        var original = await SendAsync(world.A, world.DmId, "mine");

        var response = await world.B.PatchAsync($"/api/messages/{original.Str("id")}", new { text = "hijacked" });

        response.ExpectError(HttpStatusCode.Forbidden);
        var listed = Assert.Single(await ListAsync(world.A, world.DmId));
        Assert.Equal("mine", listed.Str("text"));
        Assert.Null(listed.NullableStr("edited_at"));
    }

    [Fact]
    public async Task EditMessage_ByANonMember_Returns404()
    {
        var world = await NewBotsInDmAsync();
        var original = await SendAsync(world.A, world.DmId, "private");
        var stranger = await NewStrangerAsync();

        (await stranger.Bot.PatchAsync($"/api/messages/{original.Str("id")}", new { text = "peek" })).ExpectError(HttpStatusCode.NotFound);
        (await stranger.Bot.DeleteAsync($"/api/messages/{original.Str("id")}")).ExpectError(HttpStatusCode.NotFound);
        Assert.Equal("private", Assert.Single(await ListAsync(world.A, world.DmId)).Str("text"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task EditMessage_ToEmptyText_Returns400AndKeepsTheText(string text)
    {
        var world = await NewBotsInDmAsync();
        var original = await SendAsync(world.A, world.DmId, "keep me");

        (await world.A.PatchAsync($"/api/messages/{original.Str("id")}", new { text })).ExpectError(HttpStatusCode.BadRequest);

        Assert.Equal("keep me", Assert.Single(await ListAsync(world.A, world.DmId)).Str("text"));
    }

    [Fact]
    public async Task DeleteMessage_BySender_Returns204_ThenListingExcludesItAndLaterCallsAre404()
    {
        var world = await NewBotsInDmAsync();
        var keep = await SendAsync(world.A, world.DmId, "keep");
        var doomed = await SendAsync(world.A, world.DmId, "delete me");
        var id = doomed.Str("id");

        var response = await world.A.DeleteAsync($"/api/messages/{id}");

        response.Expect(HttpStatusCode.NoContent);
        Assert.Equal(new[] { keep.Str("id") }, await ListIdsAsync(world.B, world.DmId));
        (await world.A.PatchAsync($"/api/messages/{id}", new { text = "resurrect" })).ExpectError(HttpStatusCode.NotFound);
        (await world.A.DeleteAsync($"/api/messages/{id}")).ExpectError(HttpStatusCode.NotFound);
        (await world.B.PostAsync($"/api/messages/{id}/reactions", new { emoji = "👍" })).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeleteMessage_ByAnotherMember_Returns403AndKeepsIt()
    {
        var world = await NewBotsInDmAsync();
        var message = await SendAsync(world.A, world.DmId, "not yours");

        (await world.B.DeleteAsync($"/api/messages/{message.Str("id")}")).ExpectError(HttpStatusCode.Forbidden);

        Assert.Equal(new[] { message.Str("id") }, await ListIdsAsync(world.B, world.DmId));
    }

    [Fact]
    public async Task UnknownMessage_Is404ForEditDeleteAndReactions()
    {
        var human = await NewHumanAsync();

        (await human.PatchAsync("/api/messages/msg-doesnotexist", new { text = "x" })).ExpectError(HttpStatusCode.NotFound);
        (await human.DeleteAsync("/api/messages/msg-doesnotexist")).ExpectError(HttpStatusCode.NotFound);
        (await human.PostAsync("/api/messages/msg-doesnotexist/reactions", new { emoji = "x" })).ExpectError(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task NonMember_PostingOrListing_Gets404AndWritesNothing()
    {
        var world = await NewBotsInDmAsync();
        await SendAsync(world.A, world.DmId, "members only");
        var stranger = await NewStrangerAsync();

        var post = await stranger.Bot.PostAsync($"/api/conversations/{world.DmId}/messages", new { text = "let me in" });
        var list = await stranger.Bot.GetAsync($"/api/conversations/{world.DmId}/messages");
        var unknown = await stranger.Bot.PostAsync("/api/conversations/c-doesnotexist/messages", new { text = "anyone?" });

        post.ExpectError(HttpStatusCode.NotFound);
        list.ExpectError(HttpStatusCode.NotFound);
        unknown.ExpectError(HttpStatusCode.NotFound);
        Assert.Single(await ListAsync(world.A, world.DmId));
    }

    [Fact]
    public async Task SendMessage_ConcurrentRetriesWithOneIdempotencyKey_StoreOneMessage()
    {
        var world = await NewBotsInDmAsync();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var path = $"/api/conversations/{world.DmId}/messages";

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => world.A.PostAsync(path, new { text = "racing retries" }, headers)));

        var ids = responses.Select(r => r.ExpectOneOf(HttpStatusCode.Created, HttpStatusCode.OK).Json.Str("id")).Distinct().ToList();
        Assert.Single(ids);
        Assert.Equal(ids, await ListIdsAsync(world.B, world.DmId));
    }

    [Fact]
    public async Task SendMessage_MentioningTheSameUserInBothWays_ListsThemOnce()
    {
        var world = await NewBotsInDmAsync();

        var message = (await world.A.PostAsync($"/api/conversations/{world.DmId}/messages",
            new { text = $"<@{world.B.Id}> and again <@{world.B.Id}>", mentions = new[] { world.B.Id, world.B.Id } })).Expect(HttpStatusCode.Created).Json;

        Assert.Equal(new[] { world.B.Id }, message.Strings("mentions"));
    }

    [Fact]
    public async Task SentMessage_CarriesTheSendersCurrentAvatar()
    {
        var world = await NewBotsInDmAsync();
        var user = (await world.A.PostAsync("/api/me/avatar", new { data = TestImages.Base64(TestImages.Png), mime = "image/png" }))
            .ExpectOneOf(HttpStatusCode.OK, HttpStatusCode.Created).Json;

        var message = await SendAsync(world.A, world.DmId, "look at my face");

        Assert.Equal(user.Str("avatar_url"), message.Prop("sender").Str("avatar_url"));
    }

    [Fact]
    public async Task ByIdRoutes_OnAMessageInARoomTheCallerIsNotIn_AnswerExactlyLikeANonexistentMessage()
    {
        var world = await NewBotsInDmAsync();
        var stranger = await NewStrangerAsync();
        var message = await SendAsync(world.A, world.DmId, "private");
        var real = message.Str("id");
        const string missing = "msg-0000000000000001";

        // API.md section 1: never reveal existence through the answer; both ids must look the same to the stranger.
        foreach (var (method, path, body) in new (string, string, object?)[]
        {
            ("PATCH", "/api/messages/{0}", new { text = "x" }),
            ("DELETE", "/api/messages/{0}", null),
            ("POST", "/api/messages/{0}/reactions", new { emoji = "👍" }),
            ("DELETE", "/api/messages/{0}/reactions/%F0%9F%91%8D", null),
        })
        {
            var onReal = await stranger.Bot.SendAsync(new HttpMethod(method), string.Format(path, real), body);
            var onMissing = await stranger.Bot.SendAsync(new HttpMethod(method), string.Format(path, missing), body);
            Assert.Equal(onMissing.ExpectError(HttpStatusCode.NotFound), onReal.ExpectError(HttpStatusCode.NotFound));
        }

        var listed = (await world.A.GetAsync($"/api/conversations/{world.DmId}/messages")).Expect(HttpStatusCode.OK).Json.Items();
        var kept = Assert.Single(listed, m => m.Str("id") == real);
        Assert.Equal("private", kept.Str("text"));
        Assert.Empty(kept.Items("reactions"));
    }
}
