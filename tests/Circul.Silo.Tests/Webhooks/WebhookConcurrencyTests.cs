namespace Circul.Silo.Tests.Webhooks;

/// <summary>The per-silo bound on deliveries in flight.</summary>
public sealed class WebhookConcurrencyTests(NarrowWebhookSiloFixture fixture) : SiloTestBase(fixture), IClassFixture<NarrowWebhookSiloFixture>
{
    [Fact]
    public async Task AtMostMaxConcurrency_DeliveriesAreInFlight_TheRestWaitUnclaimed()
    {
        await using var world = await WebhookTestWorld.CreateAsync(Fixture, new { trigger = "message" });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        world.Receiver.Respond = (_, context) => release.Task.WaitAsync(context.RequestAborted);
        try
        {
            for (var i = 0; i < 5; i++)
            {
                await world.SendAsync($"m{i}");
            }

            await world.Receiver.NextAsync("the first delivery in flight");
            await world.Receiver.NextAsync("the second delivery in flight");

            // Both slots are held: the other three stay unclaimed (no attempt counted), however often the worker polls.
            var rows = await world.Consumer.WaitForDeliveriesAsync(world.BotId, all => all.Length == 5, "five deliveries recorded");
            await Task.Delay(200); // ten polls of the worker: none may claim a third row
            rows = await world.Consumer.DeliveriesAsync(world.BotId);
            Assert.Equal(2, rows.Count(d => d.Long("attempts") == 1));
            Assert.Equal(3, rows.Count(d => d.Long("attempts") == 0));
            Assert.Equal(2, world.Receiver.Count);
        }
        finally
        {
            release.TrySetResult();
        }

        var done = await world.Consumer.WaitForDeliveriesAsync(
            world.BotId, all => all.Length == 5 && all.All(d => d.Str("status") == "succeeded"), "all five delivered once released");
        Assert.All(done, d => Assert.Equal(1, d.Long("attempts")));
        Assert.Equal(5, world.Receiver.Count);
    }
}
