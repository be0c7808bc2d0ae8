using System.Diagnostics;

namespace Circul.LoadTest;

/// <summary>
/// Sends messages at a fixed total rate, cycling through the senders, with at most
/// <c>--concurrency</c> requests in flight. The schedule is open-loop (send i is due at
/// start + i / rate); when the server or the concurrency cap holds it back, sends go out as soon as a
/// slot frees and the achieved rate in the report falls below the target. Each send goes to its sender's URL
/// (<see cref="SiloTargets"/>) and carries that URL's index in its text.
/// </summary>
public sealed class MessagePump
{
    private readonly SiloTargets _targets;
    private readonly IReadOnlyList<Sender> _senders;
    private readonly SendStats _stats;
    private readonly SemaphoreSlim _slots;
    private readonly int _concurrency;
    private readonly double _ticksPerMessage;

    public MessagePump(SiloTargets targets, IReadOnlyList<Sender> senders, int rate, int concurrency, SendStats stats)
    {
        if (senders.Count == 0)
        {
            throw new ArgumentException("no senders", nameof(senders));
        }

        _targets = targets;
        _senders = senders;
        _stats = stats;
        _concurrency = concurrency;
        _slots = new SemaphoreSlim(concurrency, concurrency);
        _ticksPerMessage = (double)Stopwatch.Frequency / rate;
    }

    /// <summary>Sends from <paramref name="start"/> until <paramref name="end"/> (Stopwatch timestamps), then waits for the sends in flight.</summary>
    public async Task RunAsync(long start, long measureFrom, long end, CancellationToken cancellationToken)
    {
        long sequence = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var due = start + (long)(sequence * _ticksPerMessage);
                if (due >= end)
                {
                    break;
                }

                var wait = due - Stopwatch.GetTimestamp();
                if (wait > 0)
                {
                    // Task.Delay's resolution is about a millisecond; sends that fall due meanwhile go out together.
                    await Task.Delay(TimeSpan.FromTicks(Math.Max(1, wait * TimeSpan.TicksPerSecond / Stopwatch.Frequency)), cancellationToken);
                    continue;
                }

                await _slots.WaitAsync(cancellationToken);
                if (Stopwatch.GetTimestamp() >= end)
                {
                    _slots.Release();
                    break;
                }

                var sender = _senders[(int)(sequence % _senders.Count)];
                sequence++;
                _ = SendOneAsync(sender, sequence, due >= measureFrom, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped from outside; fall through and collect what is in flight.
        }

        // Every slot back means every send has completed (HttpClient.Timeout bounds each one).
        for (var i = 0; i < _concurrency; i++)
        {
            await _slots.WaitAsync(CancellationToken.None);
        }
    }

    /// <summary>
    /// <paramref name="measured"/> follows the schedule (the send was due in the measured window), not
    /// the moment it went out: a backlog left over from the warm-up must not inflate the measured rate.
    /// </summary>
    private async Task SendOneAsync(Sender sender, long sequence, bool measured, CancellationToken cancellationToken)
    {
        try
        {
            var now = Stopwatch.GetTimestamp();
            _stats.Started(measured);
            var silo = _targets.SiloOf(sender.Bot);
            var body = MessageStamp.CreateBody(now, sequence, warmup: !measured, senderSilo: silo);
            var result = await _targets.Clients[silo].SendMessageAsync(sender.Room.MessagesPath, sender.Bot.Authorization, body, cancellationToken);
            if (result.Accepted)
            {
                sender.Room.CountAccepted();
            }

            _stats.Completed(result, measured);
        }
        finally
        {
            _slots.Release();
        }
    }
}
