using System.Text.Json;

namespace Circul.Actors;

/// <summary>Settings of the virtual-actor runtime.</summary>
public sealed class ActorRuntimeOptions
{
    /// <summary>An activation that served no call for this long is deactivated by the next collection pass.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the idle-collection pass runs.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Serializer options for grain state documents; <see langword="null"/> means <see cref="JsonSerializerDefaults.Web"/>.</summary>
    public JsonSerializerOptions? StateSerializerOptions { get; set; }
}
