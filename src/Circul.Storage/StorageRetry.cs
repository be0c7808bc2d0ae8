namespace Circul.Storage;

/// <summary>Retries a start-up step that needs the database (migrating, registering the silo) until it succeeds:
/// 1 s after the first failure, doubling up to 30 s between attempts, until cancelled.</summary>
public static class StorageRetry
{
    public static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public static TimeSpan NextDelay(TimeSpan previous) => previous * 2 < MaxDelay ? previous * 2 : MaxDelay;

    /// <summary>Runs <paramref name="attempt"/> until it returns. After each failure <paramref name="onFailure"/> gets
    /// the attempt number (from 1), the exception and the delay before the next attempt; the delay is waited on
    /// <paramref name="time"/>. Ends with <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires.</summary>
    public static async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> attempt,
        TimeProvider time,
        Action<int, Exception, TimeSpan> onFailure,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(onFailure);
        var delay = FirstDelay;
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                onFailure(number, exception, delay);
            }

            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            delay = NextDelay(delay);
        }
    }

    /// <summary>One line about a failed attempt: the innermost exception's type and message, with
    /// <paramref name="secret"/> (the configured password) masked should a driver ever echo it.</summary>
    public static string Describe(Exception exception, string? secret)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception.GetBaseException();
        var text = $"{inner.GetType().Name}: {inner.Message}".ReplaceLineEndings(" ");
        return string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "***", StringComparison.Ordinal);
    }
}
