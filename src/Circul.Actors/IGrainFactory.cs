namespace Circul.Actors;

/// <summary>Hands out references to grains.</summary>
public interface IGrainFactory
{
    /// <summary>
    /// Returns a cheap reference to the grain <paramref name="key"/> of <typeparamref name="TGrainInterface"/>.
    /// Nothing is activated until the first call. References may be kept and shared between threads.
    /// </summary>
    /// <remarks>
    /// Turns are not reentrant: while a grain's turn awaits a call to another grain, the first grain
    /// serves nothing else. A call cycle (A calls B, B calls A, or A calls itself) therefore deadlocks,
    /// exactly as in Orleans without reentrancy. Calls between grains must flow one way.
    /// </remarks>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}
