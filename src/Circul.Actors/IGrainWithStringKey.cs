namespace Circul.Actors;

/// <summary>
/// A grain interface whose grains are identified by a string key. Every method must return
/// <see cref="Task"/> or <see cref="Task{TResult}"/>; calls are queued on the grain's activation and run
/// one at a time.
/// </summary>
public interface IGrainWithStringKey : IGrain
{
}
