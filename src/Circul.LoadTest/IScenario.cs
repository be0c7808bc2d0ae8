namespace Circul.LoadTest;

/// <summary>
/// A traffic shape. A scenario creates rooms among the run's (already connected) bots and says who
/// sends where; the pump, the sockets and the report are shared. To add one, implement this and
/// register it in <see cref="ScenarioCatalog"/>; the sockets count <c>message_new</c> and
/// <c>panel_message</c> events by the message's <c>conv_id</c> (for a panel message, the channel id).
/// </summary>
public interface IScenario
{
    string Name { get; }

    /// <summary>One line for the report, e.g. "50 DMs of 2 bots".</summary>
    string Describe(ScenarioPlan plan);

    /// <summary>Set-up time this scenario needs on top of the run's (bots and sockets); the set-up deadline grows by it.</summary>
    TimeSpan ExtraSetupTime(LoadTestOptions options) => TimeSpan.Zero;

    Task<ScenarioPlan> SetupAsync(ScenarioContext context, CancellationToken cancellationToken);
}
