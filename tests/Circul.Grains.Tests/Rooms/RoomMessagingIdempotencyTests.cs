using Circul.Contracts;
using Circul.Grains;
using Circul.Grains.Conversations;
using Circul.Grains.Events;
using Circul.Grains.Rooms;
using Circul.Storage;

namespace Circul.Grains.Tests.Rooms;

public sealed class RoomMessagingIdempotencyTests
{
    private static readonly SenderDto Sender = new("bot-a", "A", true, "");
    private static readonly RoomAudience Audience = new(EventAudience.Users(["bot-a", "u-b"]), id => id is "bot-a" or "u-b");

    [Fact]
    public async Task Send_RetriedWithTheSameKeyAfterTheFirstWriteFailed_WritesAgainInsteadOfReplayingTheFailure()
    {
        var writer = new FlakyWriter(failuresLeft: 1);
        var room = NewRoom(writer);
        var draft = new MessageDraft("hello", false, false, [], null);

        var first = await room.SendAsync(Sender, draft, "key-1", Audience);
        await Assert.ThrowsAsync<InvalidOperationException>(() => first.Durable);

        var retry = await room.SendAsync(Sender, draft, "key-1", Audience);
        await retry.Durable;

        Assert.NotEqual(first.Value.Id, retry.Value.Id);
        Assert.Equal(2, writer.Submitted);
    }

    [Fact]
    public async Task Send_RetriedWithTheSameKeyAfterSuccess_ReturnsTheFirstMessageWithoutWriting()
    {
        var writer = new FlakyWriter(failuresLeft: 0);
        var room = NewRoom(writer);
        var draft = new MessageDraft("hello", false, false, [], null);

        var first = await room.SendAsync(Sender, draft, "key-1", Audience);
        await first.Durable;
        var retry = await room.SendAsync(Sender, draft, "key-1", Audience);

        Assert.Equal(first.Value.Id, retry.Value.Id);
        Assert.Equal(1, writer.Submitted);
    }

    private static RoomMessaging NewRoom(IDurableWriter writer) =>
        new("c-room", null, new EmptyMessageStore(), writer, new NoEvents(), new SnowflakeIdGenerator(TimeProvider.System), TimeProvider.System);

    private sealed class FlakyWriter(int failuresLeft) : IDurableWriter
    {
        private int _failuresLeft = failuresLeft;

        public int Submitted { get; private set; }

        public Task SubmitAsync(WriteOp op, Action? afterCommit = null)
        {
            Submitted++;
            if (_failuresLeft-- > 0)
            {
                return Task.FromException(new InvalidOperationException("disk full"));
            }

            afterCommit?.Invoke();
            return Task.CompletedTask;
        }
    }

    private sealed class NoEvents : IEventPublisher
    {
        public void Publish(OutboundEvent outboundEvent)
        {
        }

        public Task AnnounceSnapshot(string panelId, long version) => Task.CompletedTask;
    }

    /// <summary>A store with no messages and no recorded keys: the retry can only be recognised from memory.</summary>
    private sealed class EmptyMessageStore : IMessageStore
    {
        public Task<StoredMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default) => Task.FromResult<StoredMessage?>(null);

        public Task<IReadOnlyList<StoredMessage>> ListMessagesAsync(string roomId, int limit, string? before, string? after, string viewerId, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<StoredMessage>>([]);

        public Task<IReadOnlyDictionary<string, RoomLastMessages>> GetLastMessageIdsAsync(IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, RoomLastMessages>>(new Dictionary<string, RoomLastMessages>());

        public Task<IdempotentSend?> FindIdempotentMessageAsync(string senderId, string key, DateTimeOffset notBefore, CancellationToken cancellationToken = default) =>
            Task.FromResult<IdempotentSend?>(null);

        public Task<IReadOnlyDictionary<string, int>> CountUnreadAsync(string userId, IReadOnlyCollection<string> roomIds, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyDictionary<string, int>>(new Dictionary<string, int>());

        public Task<int> CountMessagesAfterAsync(string roomId, string? afterId, string excludeSenderId, CancellationToken cancellationToken = default) =>
            Task.FromResult(0);
    }
}
