namespace Circul.Client;

/// <summary>An asynchronous event handler. The token is cancelled when the bot stops.</summary>
/// <typeparam name="TArgs">The event's data.</typeparam>
/// <param name="args">The event's data.</param>
/// <param name="cancellationToken">Cancelled when the bot stops.</param>
public delegate Task CirculEventHandler<in TArgs>(TArgs args, CancellationToken cancellationToken);
