using Circul.Grains.Accounts;
using Circul.Grains.Conversations;
using Circul.Grains.Panels;
using Circul.Silo.Cluster;
using Circul.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.TestingHost;

namespace Circul.Grains.Tests.Cluster;

/// <summary>A hot room does not wait for one commit before starting the next send: the grain orders and enqueues a
/// write in one step and lets the next send in while the batch commits; each caller is answered once its write is
/// durable.</summary>
public sealed class HotRoomCommitTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "circul-grain-tests", Guid.NewGuid().ToString("N"));
    private InProcessTestCluster _cluster = null!;

    private IServiceProvider Services => _cluster.Silos[0].ServiceProvider;

    private GatedWriter Writer => (GatedWriter)Services.GetRequiredService<IDurableWriter>();

    [Fact]
    public async Task ASecondSend_ReachesTheWriter_WhileTheFirstIsStillCommitting_AndEachAnswersOnlyOnceDurable()
    {
        var grains = Services.GetRequiredService<IGrainFactory>();
        var accounts = Services.GetRequiredService<AccountService>();
        var owner = await accounts.RegisterAsync("u" + Guid.NewGuid().ToString("N")[..12], "correct horse");
        var panelId = Ids.NewId("panel-");
        var panel = await grains.GetGrain<IPanelGrain>(panelId).CreateAsync(owner.User.Id, "hot");
        var channel = grains.GetGrain<IChannelGrain>(panel.Categories[0].ChannelIds[0]);
        await channel.ListMessagesAsync(panelId, owner.User.Id, 1, null, null);

        var before = Writer.MessageInserts;
        Writer.Close();
        var first = channel.SendMessageAsync(panelId, owner.User.Id, new MessageDraft("first", false, false, [], null), null);
        await Writer.WaitForMessageInsertsAsync(before + 1);
        var second = channel.SendMessageAsync(panelId, owner.User.Id, new MessageDraft("second", false, false, [], null), null);

        // Under a non-reentrant grain the second send would queue behind the first's commit and never reach the writer.
        await Writer.WaitForMessageInsertsAsync(before + 2);
        await Task.Delay(100);
        Assert.False(first.IsCompleted, "a send answered before its write was durable");
        Assert.False(second.IsCompleted, "a send answered before its write was durable");

        Writer.Open();
        var (a, b) = (await first, await second);
        Assert.True(string.CompareOrdinal(a.Id, b.Id) < 0, "message ids must follow the order the writes were enqueued in");
        var page = await channel.ListMessagesAsync(panelId, owner.User.Id, 10, null, null);
        Assert.Equal(new[] { "first", "second" }, page.Where(m => !m.IsSystem).Select(m => m.Text).OrderBy(t => t, StringComparer.Ordinal));
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        _cluster = await CirculTestCluster.DeployAsync(1, Path.Combine(_directory, "hot.db"), configureServices: services =>
            services.AddSingleton<IDurableWriter>(sp => new GatedWriter(sp.GetRequiredService<BatchingDurableWriter>())));
    }

    public async Task DisposeAsync()
    {
        Writer.Open();
        await _cluster.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The real writer behind a gate: while closed, message inserts are counted but not committed.</summary>
    private sealed class GatedWriter(IDurableWriter inner) : IDurableWriter
    {
        private volatile TaskCompletionSource _gate = Opened();
        private int _messageInserts;

        public int MessageInserts => Volatile.Read(ref _messageInserts);

        public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _gate.TrySetResult();

        public async Task WaitForMessageInsertsAsync(int count)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (MessageInserts < count)
            {
                Assert.True(DateTime.UtcNow < deadline, $"the writer saw {MessageInserts} message inserts, expected {count}");
                await Task.Delay(10);
            }
        }

        public async Task SubmitAsync(WriteOp op, Action? afterCommit = null)
        {
            if (op is InsertMessageOp)
            {
                Interlocked.Increment(ref _messageInserts);
                await _gate.Task;
            }

            await inner.SubmitAsync(op, afterCommit);
        }

        private static TaskCompletionSource Opened()
        {
            var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            opened.TrySetResult();
            return opened;
        }
    }
}
