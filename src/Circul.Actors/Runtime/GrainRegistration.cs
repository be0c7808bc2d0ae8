namespace Circul.Actors.Runtime;

/// <summary>One <c>AddGrain&lt;TGrainInterface, TGrain&gt;()</c>, collected from the service collection by the runtime.</summary>
internal sealed record GrainRegistration(Type InterfaceType, Type GrainClass);
