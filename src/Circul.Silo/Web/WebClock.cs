namespace Circul.Silo.Web;

/// <summary>The clock of browser sessions and OAuth state tokens: the silo's <see cref="TimeProvider"/>, unless a test
/// registers one of its own to expire a state without waiting.</summary>
public sealed class WebClock(TimeProvider time)
{
    public DateTimeOffset Now => time.GetUtcNow();
}
