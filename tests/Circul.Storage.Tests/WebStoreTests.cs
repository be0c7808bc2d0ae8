namespace Circul.Storage.Tests;

/// <summary>The parity suite of <see cref="IWebStore"/> (browser sessions, OAuth states): every test runs once per
/// provider (see the derived classes).</summary>
public abstract class WebStoreTests(StorageFixture fixture)
{
    private IWebStore Web => fixture.Get<IWebStore>();

    [Fact]
    public async Task Session_IsFoundUntilItExpires_AndNotAfterDelete()
    {
        var session = new WebSessionRecord(TestData.Unique("h"), TestData.Unique("u"), TestData.Now, TestData.Now.AddHours(1));
        await Web.AddSessionAsync(session);

        Assert.Equal(session, await Web.FindSessionAsync(session.Hash, TestData.Now.AddMinutes(59)));
        Assert.Null(await Web.FindSessionAsync(session.Hash, TestData.Now.AddHours(1)));
        Assert.Null(await Web.FindSessionAsync(TestData.Unique("h"), TestData.Now));

        Assert.True(await Web.DeleteSessionAsync(session.Hash));
        Assert.Null(await Web.FindSessionAsync(session.Hash, TestData.Now));
        Assert.False(await Web.DeleteSessionAsync(session.Hash));
    }

    [Fact]
    public async Task OAuthState_IsConsumedOnce_OnlyByItsSession_AndNotAfterExpiry()
    {
        var state = NewState(TestData.Now);
        await Web.AddOAuthStateAsync(state);
        Assert.Equal(state, await Web.FindOAuthStateAsync(state.Hash));

        Assert.False(await Web.TryConsumeOAuthStateAsync(state.Hash, TestData.Unique("other-session"), TestData.Now.AddMinutes(1)));
        Assert.True(await Web.TryConsumeOAuthStateAsync(state.Hash, state.SessionHash, TestData.Now.AddMinutes(1)));
        Assert.False(await Web.TryConsumeOAuthStateAsync(state.Hash, state.SessionHash, TestData.Now.AddMinutes(2)));
        Assert.Equal(TestData.Now.AddMinutes(1), (await Web.FindOAuthStateAsync(state.Hash))!.ConsumedAt);

        var late = NewState(TestData.Now);
        await Web.AddOAuthStateAsync(late);
        Assert.False(await Web.TryConsumeOAuthStateAsync(late.Hash, late.SessionHash, late.ExpiresAt));
        Assert.Null((await Web.FindOAuthStateAsync(late.Hash))!.ConsumedAt);
    }

    [Fact]
    public async Task OAuthState_ConsumedConcurrentlyFromTwoConnections_SucceedsOnce()
    {
        for (var round = 0; round < 10; round++)
        {
            var state = NewState(TestData.Now);
            await Web.AddOAuthStateAsync(state);
            using var start = new Barrier(4);
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            {
                start.SignalAndWait();
                return Web.TryConsumeOAuthStateAsync(state.Hash, state.SessionHash, TestData.Now.AddSeconds(1));
            })));

            Assert.Single(outcomes, won => won);
        }
    }

    private static OAuthStateRecord NewState(DateTimeOffset now) => new(
        TestData.Unique("st"), TestData.Unique("session"), TestData.Unique("u"), TestData.Unique("bot"), "https://a.example/cb?x=1",
        "bot's own state ☂", now, now.AddMinutes(15), null);
}
