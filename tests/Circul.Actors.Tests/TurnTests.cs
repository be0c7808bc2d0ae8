using Circul.Actors.Tests.Grains;
using Circul.Actors.Tests.Infrastructure;

namespace Circul.Actors.Tests;

public sealed class TurnTests
{
    [Fact]
    public async Task Calls_ToOneActivation_RunOneAtATimeInArrivalOrder()
    {
        await using var host = ActorTestHost.Create();
        var grain = host.Grain<IRecorderGrain>("r");
        const int calls = 200;

        var pending = new Task[calls];
        for (var i = 0; i < calls; i++)
        {
            pending[i] = grain.RecordAsync(i);
        }

        await Task.WhenAll(pending).WithTimeout($"{calls} recorder calls to complete");
        var expected = Enumerable.Range(0, calls).SelectMany(i => new[] { $"enter {i}", $"exit {i}" });
        Assert.Equal(expected, host.Probe.Entries("r"));
        Assert.Equal(1, host.Probe.MaxConcurrentTurnsPerKey);
    }

    [Fact]
    public async Task Calls_FromManyConcurrentCallers_NeverOverlap_AndKeepEachCallersOrder()
    {
        await using var host = ActorTestHost.Create();
        const int callers = 16;
        const int callsPerCaller = 100;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var callerTasks = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var grain = host.Grain<IRecorderGrain>("shared");
            await start.Task;
            var calls = new Task[callsPerCaller];
            for (var i = 0; i < callsPerCaller; i++)
            {
                calls[i] = grain.RecordAsync((caller * 1000) + i);
            }

            await Task.WhenAll(calls);
        })).ToArray();
        start.SetResult();
        await Task.WhenAll(callerTasks).WithTimeout($"{callers} callers to complete {callsPerCaller} calls each");

        var entries = host.Probe.Entries("shared");
        Assert.Equal(callers * callsPerCaller * 2, entries.Count);
        Assert.Equal(1, host.Probe.MaxConcurrentTurnsPerKey);
        for (var i = 0; i < entries.Count; i += 2)
        {
            Assert.StartsWith("enter ", entries[i]);
            Assert.Equal(entries[i].Replace("enter", "exit", StringComparison.Ordinal), entries[i + 1]);
        }

        var entered = entries.Where(e => e.StartsWith("enter ", StringComparison.Ordinal))
            .Select(e => int.Parse(e["enter ".Length..], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        for (var caller = 0; caller < callers; caller++)
        {
            var ofCaller = entered.Where(n => n / 1000 == caller).ToList();
            Assert.Equal(Enumerable.Range(caller * 1000, callsPerCaller), ofCaller);
        }

        Assert.Equal(callers * callsPerCaller, await host.Grain<IRecorderGrain>("shared").GetCallCountAsync());
        Assert.Equal(1, host.Runtime.TotalActivations);
    }

    [Fact]
    public async Task Calls_ToDifferentKeys_RunConcurrently()
    {
        await using var host = ActorTestHost.Create();

        var first = host.Grain<IBlockingGrain>("a").BlockAsync();
        var second = host.Grain<IBlockingGrain>("b").BlockAsync();

        await Task.WhenAll(host.Probe.WhenSignaled("entered:a"), host.Probe.WhenSignaled("entered:b"))
            .WithTimeout("grains a and b both inside a turn at the same time");
        Assert.False(first.IsCompleted);
        Assert.False(second.IsCompleted);

        host.Probe.Signal("release");
        Assert.Equal("a", await first.WithTimeout("grain a's call to finish once released"));
        Assert.Equal("b", await second.WithTimeout("grain b's call to finish once released"));
        Assert.Equal(2, host.Runtime.ActivationCount);
    }

    [Fact]
    public async Task Turn_AwaitingSomething_KeepsLaterCallsToTheSameGrainWaiting()
    {
        await using var host = ActorTestHost.Create();
        var grain = host.Grain<IBlockingGrain>("k");

        var blocked = grain.BlockAsync();
        await host.Probe.WhenSignaled("entered:k").WithTimeout("the first call to be inside its turn");
        var queued = grain.BlockAsync();

        // Give the pool every chance to run the queued call: other grains make progress meanwhile.
        await host.Grain<IRecorderGrain>("other").RecordAsync(1).WithTimeout("a call to another grain");
        Assert.False(queued.IsCompleted);
        Assert.False(blocked.IsCompleted);

        host.Probe.Signal("release");
        Assert.Equal("k", await blocked.WithTimeout("the blocked call to finish"));
        Assert.Equal("k", await queued.WithTimeout("the queued call to run after the blocked one"));
    }

    [Fact]
    public async Task FailingCall_FailsOnlyThatCall_AndTheActivationServesLaterCalls()
    {
        await using var host = ActorTestHost.Create();
        var grain = host.Grain<IFlakyGrain>("f");
        Assert.Equal(1, await grain.PingAsync());

        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => grain.FailAsync("boom"));
        Assert.Equal("boom", thrown.Message);

        Assert.Equal(2, await grain.PingAsync());
        Assert.Equal(1, host.Probe.Count("activate:f"));
        Assert.Equal(1, host.Runtime.ActivationCount);
    }

    [Fact]
    public async Task ExceptionThrownBeforeTheGrainReturnsATask_ReachesTheCallerUnwrapped()
    {
        await using var host = ActorTestHost.Create();
        var grain = host.Grain<IFlakyGrain>("f");

        var thrown = await Assert.ThrowsAsync<NotSupportedException>(() => grain.FailSynchronously());

        Assert.Equal("thrown before returning a task", thrown.Message);
        Assert.Equal(1, await grain.PingAsync());
    }

    [Fact]
    public async Task Grain_CanCallAnotherGrain_AndAwaitItsResult()
    {
        await using var host = ActorTestHost.Create();
        var front = host.Grain<IFrontGrain>("front");

        Assert.Equal(1, await front.IncrementCounterAsync("c"));
        Assert.Equal(2, await front.IncrementCounterAsync("c"));

        Assert.Equal(2, await host.Grain<ICounterGrain>("c").GetAsync());
        Assert.Equal(2, host.Runtime.ActivationCount);
    }

    [Fact]
    public async Task GrainReference_ToString_NamesTheInterfaceAndKey()
    {
        await using var host = ActorTestHost.Create();

        var reference = host.Grain<ICounterGrain>("c-1");

        Assert.Equal("ICounterGrain/c-1", reference.ToString());
    }

    [Fact]
    public async Task GrainReferences_ToTheSameGrain_AreEqual()
    {
        await using var host = ActorTestHost.Create();

        var reference = host.Grain<ICounterGrain>("c");

        Assert.Equal(reference, host.Grain<ICounterGrain>("c"));
        Assert.Equal(reference.GetHashCode(), host.Grain<ICounterGrain>("c").GetHashCode());
        Assert.NotEqual(reference, host.Grain<ICounterGrain>("d"));
    }
}
