namespace Circul.LoadTest;

/// <summary>
/// A traffic shape. A scenario creates rooms among the run's (already connected) bots and says who
/// sends where; the pump, the sockets and the report are shared. To add one (the panel scenario:
/// a panel whose channels receive <c>panel_message</c>), implement this and register it in
/// <see cref="ScenarioCatalog"/>; the sockets already count <c>panel_message</c> events by the
/// message's <c>conv_id</c> (the channel id).
/// </summary>
public interface IScenario
{
    string Name { get; }

    /// <summary>One line for the report, e.g. "50 DMs of 2 bots".</summary>
    string Describe(ScenarioPlan plan);

    Task<ScenarioPlan> SetupAsync(ScenarioContext context, CancellationToken cancellationToken);
}
