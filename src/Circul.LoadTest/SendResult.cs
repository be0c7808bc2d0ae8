namespace Circul.LoadTest;

/// <summary>The outcome of one message POST: the HTTP status (or a transport failure) and how long it took.</summary>
public readonly record struct SendResult(int Status, string? Failure, long ElapsedTicks)
{
    public bool Accepted => Failure is null && Status is >= 200 and < 300;

    /// <summary>How the report groups it: "201", "429", "timeout", ...</summary>
    public string Label => Failure ?? Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
