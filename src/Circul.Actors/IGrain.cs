namespace Circul.Actors;

/// <summary>Marker for grain interfaces. Use <see cref="IGrainWithStringKey"/> for concrete grain interfaces.</summary>
public interface IGrain
{
}
