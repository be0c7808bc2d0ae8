using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;

namespace Circul.Actors.Runtime;

/// <summary>A grain class and the directory of its activations by key.</summary>
internal sealed class GrainClassInfo
{
    private readonly ObjectFactory _factory;

    public GrainClassInfo(Type grainClass)
    {
        GrainClass = grainClass;
        GrainTypeName = grainClass.Name;
        _factory = ActivatorUtilities.CreateFactory(grainClass, Type.EmptyTypes);
    }

    public Type GrainClass { get; }

    /// <summary>The grain type's name in storage.</summary>
    public string GrainTypeName { get; }

    public ConcurrentDictionary<string, Activation> Activations { get; } = new(StringComparer.Ordinal);

    public Grain CreateGrain(IServiceProvider services) => (Grain)_factory(services, null);
}
