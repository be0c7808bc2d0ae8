namespace Circul.Actors.Tests.Infrastructure;

public static class TaskTimeoutExtensions
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Awaits <paramref name="task"/> for at most 5 s, failing with what was expected.</summary>
    public static async Task WithTimeout(this Task task, string expected)
    {
        try
        {
            await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Timeout.TotalSeconds} s waiting for: {expected}");
        }
    }

    /// <summary>Awaits <paramref name="task"/> for at most 5 s, failing with what was expected.</summary>
    public static async Task<T> WithTimeout<T>(this Task<T> task, string expected)
    {
        try
        {
            return await task.WaitAsync(Timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Timed out after {Timeout.TotalSeconds} s waiting for: {expected}");
        }
    }
}
