using Orleans;
using Orleans.Runtime;

namespace Circul.Grains.Events;

/// <summary>A silo's gateway observer, as listed by the directory.</summary>
[GenerateSerializer, Immutable, Alias("circul.GatewayRegistration")]
public sealed record GatewayRegistration(
    [property: Id(0)] SiloAddress Silo,
    [property: Id(1)] IGatewayObserver Observer);
