using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Circul.Storage;

/// <summary>The silo's <see cref="IDurableWriter"/>: one loop reading a channel. After the first write arrives it
/// gathers more for up to <see cref="StorageOptions.BatchWindowMs"/> or <see cref="StorageOptions.MaxBatchSize"/>
/// writes, commits them in ONE transaction, runs their <c>afterCommit</c> callbacks in submission order, then
/// completes the callers' tasks. A failed batch is rolled back and its writes retried one transaction each, so a
/// bad write faults only its own caller (and its callback never runs).</summary>
/// <remarks>Starts on the first <see cref="SubmitAsync"/> (or <see cref="StartAsync"/>); <see cref="StopAsync"/>
/// and <see cref="DisposeAsync"/> stop accepting writes and wait until everything queued is written.</remarks>
public sealed class BatchingDurableWriter : IDurableWriter, IHostedService, IAsyncDisposable
{
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, AllowSynchronousContinuations = false });

    private readonly SqlDialect _dialect;
    private readonly ILogger _logger;
    private readonly int _maxBatchSize;
    private readonly TimeSpan _batchWindow;
    private readonly Lock _startLock = new();
    private Task? _loop;
    private Task<bool>? _pendingWait;
    private long _batchesCommitted;
    private long _batchesRetried;
    private long _transactionsCommitted;
    private long _writesCommitted;
    private long _writesFailed;

    public BatchingDurableWriter(SqlDialect dialect, IOptions<StorageOptions> options, ILogger<BatchingDurableWriter>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        ArgumentNullException.ThrowIfNull(options);
        _dialect = dialect;
        _logger = logger ?? NullLogger<BatchingDurableWriter>.Instance;
        _maxBatchSize = Math.Max(1, options.Value.MaxBatchSize);
        _batchWindow = TimeSpan.FromMilliseconds(Math.Max(0, options.Value.BatchWindowMs));
    }

    /// <summary>Whether a batch may be sent as one <see cref="System.Data.Common.DbBatch"/> where the provider supports
    /// it (one round trip); off, every statement is its own (prepared) command. For measurements.</summary>
    internal bool AllowDbBatch { get; init; } = true;

    /// <summary>Batches committed in one transaction on the first attempt.</summary>
    public long BatchesCommitted => Interlocked.Read(ref _batchesCommitted);

    /// <summary>Batches whose transaction failed and whose writes were retried one by one.</summary>
    public long BatchesRetried => Interlocked.Read(ref _batchesRetried);

    /// <summary>Every transaction the writer committed (batches plus one-by-one retries).</summary>
    public long TransactionsCommitted => Interlocked.Read(ref _transactionsCommitted);

    /// <summary>Writes made durable.</summary>
    public long WritesCommitted => Interlocked.Read(ref _writesCommitted);

    /// <summary>Writes that could not be written (their callers' tasks faulted).</summary>
    public long WritesFailed => Interlocked.Read(ref _writesFailed);

    public Task SubmitAsync(WriteOp op, Action? afterCommit = null)
    {
        ArgumentNullException.ThrowIfNull(op);
        EnsureStarted();
        var pending = new PendingWrite(op, afterCommit);
        return _queue.Writer.TryWrite(pending)
            ? pending.Completion.Task
            : Task.FromException(new ObjectDisposedException(nameof(BatchingDurableWriter), "The durable writer has stopped."));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureStarted();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        Task? loop;
        lock (_startLock)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            try
            {
                await loop.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host gave up waiting (its shutdown timeout, or a kill): the loop keeps draining while the process
                // lives; what it has not committed was never acknowledged.
            }
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None).ConfigureAwait(false);

    private void EnsureStarted()
    {
        if (Volatile.Read(ref _loop) is not null)
        {
            return;
        }

        lock (_startLock)
        {
            _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(_maxBatchSize);
        try
        {
            while (await WaitForWriteAsync().ConfigureAwait(false))
            {
                while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var pending))
                {
                    batch.Add(pending);
                }

                if (batch.Count == 0)
                {
                    continue;
                }

                await GatherAsync(batch).ConfigureAwait(false);
                await WriteBatchAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (Exception ex)
        {
            // Not expected (every write's failure is caught below); fail whatever is left rather than hang callers.
            _logger.WriterLoopCrashed(ex);
            _queue.Writer.TryComplete(ex);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(ex);
            }

            while (_queue.Reader.TryRead(out var pending))
            {
                pending.Completion.TrySetException(ex);
            }
        }
    }

    /// <summary>Waits until a write is queued (true) or the queue is completed and empty (false). At most one
    /// wait is outstanding: one abandoned by <see cref="GatherAsync"/> is picked up here.</summary>
    private async Task<bool> WaitForWriteAsync()
    {
        var wait = _pendingWait ?? _queue.Reader.WaitToReadAsync().AsTask();
        _pendingWait = null;
        return await wait.ConfigureAwait(false);
    }

    /// <summary>Adds writes arriving within the batch window until the batch is full.</summary>
    private async Task GatherAsync(List<PendingWrite> batch)
    {
        if (_batchWindow <= TimeSpan.Zero)
        {
            return;
        }

        var start = Stopwatch.GetTimestamp();
        while (batch.Count < _maxBatchSize)
        {
            var remaining = _batchWindow - Stopwatch.GetElapsedTime(start);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            var wait = _pendingWait ?? _queue.Reader.WaitToReadAsync().AsTask();
            if (!wait.IsCompleted)
            {
                // Task.Delay has millisecond resolution: round up so a sub-millisecond remainder still waits.
                var delay = TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds));
                if (await Task.WhenAny(wait, Task.Delay(delay)).ConfigureAwait(false) != wait)
                {
                    _pendingWait = wait;
                    return;
                }
            }

            _pendingWait = null;
            if (!await wait.ConfigureAwait(false))
            {
                return;
            }

            while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
            }
        }
    }

    private async Task WriteBatchAsync(List<PendingWrite> batch)
    {
        Exception? failure;
        try
        {
            await CommitAsync(batch).ConfigureAwait(false);
            failure = null;
        }
        catch (Exception ex)
        {
            failure = ex;
        }

        if (failure is null)
        {
            Interlocked.Increment(ref _batchesCommitted);
            Interlocked.Increment(ref _transactionsCommitted);
            Interlocked.Add(ref _writesCommitted, batch.Count);
            foreach (var pending in batch)
            {
                RunAfterCommit(pending);
            }

            foreach (var pending in batch)
            {
                pending.Completion.TrySetResult();
            }

            return;
        }

        if (batch.Count == 1)
        {
            Fail(batch[0], failure);
            return;
        }

        _logger.BatchFailed(failure, batch.Count);
        Interlocked.Increment(ref _batchesRetried);
        foreach (var pending in batch)
        {
            try
            {
                await CommitAsync([pending]).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                Fail(pending, ex);
                continue;
            }

            Interlocked.Increment(ref _transactionsCommitted);
            Interlocked.Increment(ref _writesCommitted);
            RunAfterCommit(pending);
            pending.Completion.TrySetResult();
        }
    }

    private async Task CommitAsync(List<PendingWrite> writes)
    {
        var statements = new List<SqlStatement>(writes.Count + 8);
        foreach (var pending in writes)
        {
            WriteOpStatements.Append(pending.Op, _dialect, statements);
        }

        // Writes are never cancelled: a caller may stop waiting, but what was submitted is written.
        await using var lease = await _dialect.AcquireWriteConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await lease.Connection.BeginTransactionAsync().ConfigureAwait(false);
        await StatementRunner.RunAsync(lease.Connection, transaction, statements, AllowDbBatch).ConfigureAwait(false);
        await transaction.CommitAsync().ConfigureAwait(false);
    }

    private void RunAfterCommit(PendingWrite pending)
    {
        if (pending.AfterCommit is null)
        {
            return;
        }

        try
        {
            pending.AfterCommit();
        }
        catch (Exception ex)
        {
            _logger.AfterCommitFailed(ex, pending.Op.GetType().Name);
        }
    }

    private void Fail(PendingWrite pending, Exception exception)
    {
        Interlocked.Increment(ref _writesFailed);
        _logger.WriteFailed(exception, pending.Op.GetType().Name);
        pending.Completion.TrySetException(exception);
    }
}
